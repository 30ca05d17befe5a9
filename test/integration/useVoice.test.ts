/**
 * The Vue composable end to end on Node: injected fakes stand in for the browser's microphone and audio graph
 * (the edge), everything else is real — transcriber, ticket, WebSocket (`ws`), proxy, SDK, simulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { effectScope, nextTick } from 'vue'
import WebSocket from 'ws'
import type { WebSocketCtor } from '../../plugin/speech/createTranscriber.ts'
import { useVoice, type UseVoiceOptions } from '../../plugin/speech/useVoice.ts'
import { speechLikePcm } from '../support/pcm.ts'
import { startWorld, TEST_PROXY_KEY, type World } from '../../dev/world.ts'

let world: World
beforeAll(async () => {
  world = await startWorld()
})
afterAll(async () => {
  await world?.close()
})

/** A fake microphone + audio graph: the test plays 100 ms frames into the "worklet" port. */
function fakeAudio() {
  const nodes: Array<{
    stopped: boolean
    port: { onmessage: ((e: { data: unknown }) => void) | null; postMessage(m: unknown): void }
  }> = []
  const released = { tracks: 0, closed: 0 }
  const stream = { getTracks: () => [{ stop: () => released.tracks++ }] }
  const node = () => ({ connect() {}, disconnect() {}, gain: { value: 1 } })
  class FakeAudioContext {
    sampleRate = 16_000
    destination = node()
    audioWorklet = { addModule: async () => undefined }
    createMediaStreamSource = node
    createGain = node
    resume = async () => undefined
    close = async () => void released.closed++
  }
  class FakeWorkletNode {
    stopped = false
    // Like the real processor: after 'stop' it posts nothing more.
    port = {
      onmessage: null as ((e: { data: unknown }) => void) | null,
      postMessage: (m: unknown) => void (m === 'stop' && (this.stopped = true)),
    }
    connect() {}
    disconnect() {}
    constructor() {
      nodes.push(this)
    }
  }
  const play = (pcm: Uint8Array, amplitude: number) => {
    for (let i = 0; i < pcm.length; i += 3200) {
      const frame = pcm.slice(i, i + 3200)
      const n = nodes.at(-1)!
      if (!n.stopped) n.port.onmessage?.({ data: { pcm: frame.buffer, rms: amplitude } })
    }
  }
  return {
    play,
    released,
    options: {
      navigator: { mediaDevices: { getUserMedia: async () => stream } } as unknown as Pick<Navigator, 'mediaDevices'>,
      document: { featurePolicy: { allowsFeature: () => true } },
      AudioContext: FakeAudioContext as unknown as typeof AudioContext,
      AudioWorkletNode: FakeWorkletNode as unknown as typeof AudioWorkletNode,
    } satisfies Partial<UseVoiceOptions>,
  }
}

const base = () => ({
  proxyUrl: world.proxyUrl,
  proxyKey: TEST_PROXY_KEY,
  WebSocket: WebSocket as unknown as WebSocketCtor,
})

describe('useVoice', () => {
  it('push-to-talk: requesting → listening (with level) → transcribing → idle with the final text', async () => {
    const audio = fakeAudio()
    const scope = effectScope()
    const voice = scope.run(() => useVoice({ ...base(), ...audio.options, language: 'de' }))!
    const seen: string[] = []
    const started = voice.start('push')
    seen.push(voice.status.value)
    await started
    seen.push(voice.status.value)
    audio.play(speechLikePcm({ seconds: 1.5 }), 0.2)
    expect(voice.level.value).toBeGreaterThan(0.5)
    const stopped = voice.stop()
    await nextTick()
    await stopped
    expect(voice.transcript.value).toBe('heard 1.5 seconds of audio')
    expect(voice.isFinal.value).toBe(true)
    expect(voice.status.value).toBe('idle')
    expect(voice.via.value).toBe('inline')
    expect(seen).toEqual(['requesting', 'listening'])
    expect(audio.released).toEqual({ tracks: 1, closed: 1 })
    expect(world.transcribe.sessions.at(-1)).toMatchObject({ languageCode: 'de-DE', bytes: 48_000 })
    scope.stop()
  })

  it('hands-free: stops by itself after speech and then silence', async () => {
    const audio = fakeAudio()
    const voice = useVoice({ ...base(), ...audio.options, silenceMs: 500 })
    await voice.start('handsfree')
    audio.play(speechLikePcm({ seconds: 1 }), 0.2)
    expect(voice.status.value).toBe('listening')
    audio.play(new Uint8Array(32_000), 0.0005) // 1 s of silence
    await expect.poll(() => voice.status.value).toBe('idle')
    expect(voice.transcript.value).toBe('heard 1.5 seconds of audio') // stopped after 0.5 s of the silence
  })

  it('offers retry after a Transcribe failure and transcribes the kept audio', async () => {
    const audio = fakeAudio()
    world.transcribe.next({ fault: { type: 'exception', exceptionType: 'LimitExceededException' } })
    const voice = useVoice({ ...base(), ...audio.options })
    await voice.start('push')
    audio.play(speechLikePcm({ seconds: 1 }), 0.2)
    await voice.stop()
    expect(voice.status.value).toBe('error')
    expect(voice.error.value).toMatchObject({ code: 'transcribe_limit_exceeded', retryable: true })
    expect(voice.error.value?.hint).toBeTruthy()
    await voice.retry()
    expect(voice.transcript.value).toBe('heard 1.0 seconds of audio')
    expect(voice.status.value).toBe('idle')
  })

  it('falls back to the recorder window when the frame may not use the microphone, and says so when popups are blocked', async () => {
    const opened: string[] = []
    const win = {
      location: { origin: 'https://plugins.storyblok.com' },
      open: (url: string) => (opened.push(url), null),
      addEventListener() {},
      removeEventListener() {},
      setInterval: () => 0,
      clearInterval() {},
    } as unknown as NonNullable<UseVoiceOptions['window']>
    const voice = useVoice({
      ...base(),
      ...fakeAudio().options,
      document: { featurePolicy: { allowsFeature: () => false } },
      window: win,
    })
    await voice.start('push')
    await nextTick()
    await new Promise((r) => setTimeout(r, 0))
    expect(opened[0]).toMatch(new RegExp(`^${world.proxyUrl}/recorder\\?origin=`))
    expect(voice.status.value).toBe('error')
    // Typing is what is left: the hint says so, and retry (there is no recording) is not offered.
    expect(voice.error.value).toMatchObject({ code: 'popup_blocked', retryable: false })
    expect(voice.error.value?.hint).toContain('type your prompt')
  })
})
