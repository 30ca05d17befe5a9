/**
 * The browser-side transcriber (plugin/speech/createTranscriber) against the real proxy, SDK and simulator,
 * with the `ws` package injected as WebSocket: streaming as recorded, and retry from the kept recording.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createTranscriber, type WebSocketCtor } from '../../plugin/speech/createTranscriber.ts'
import { speechLikePcm } from '../support/pcm.ts'
import { startWorld, TEST_PROXY_KEY, type World } from '../../dev/world.ts'

let world: World
beforeAll(async () => {
  world = await startWorld()
})
afterAll(async () => {
  await world?.close()
})

const frames = (pcm: Uint8Array) =>
  Array.from({ length: Math.ceil(pcm.length / 3200) }, (_, i) => pcm.subarray(i * 3200, (i + 1) * 3200))
const options = () => ({
  baseUrl: world.proxyUrl,
  proxyKey: TEST_PROXY_KEY,
  WebSocket: WebSocket as unknown as WebSocketCtor,
})

describe('createTranscriber', () => {
  it('streams frames while recording and resolves with the final transcript', async () => {
    const partials: string[] = []
    const t = createTranscriber({ ...options(), language: 'de', onPartial: (p) => partials.push(p) })
    for (const f of frames(speechLikePcm({ seconds: 1.2 }))) t.push(f)
    expect(t.keptBytes).toBe(38_400)
    expect(await t.finish()).toBe('heard 1.2 seconds of audio')
    expect(partials.length).toBeGreaterThan(0)
    expect(t.keptBytes).toBe(0)
    expect(world.transcribe.sessions.at(-1)).toMatchObject({ languageCode: 'de-DE', bytes: 38_400 })
  })

  it('keeps the recording after a Transcribe failure and replays all of it on retry()', async () => {
    world.transcribe.next({
      fault: { type: 'exception', exceptionType: 'ServiceUnavailableException', afterBytes: 6400 },
    })
    const t = createTranscriber(options())
    for (const f of frames(speechLikePcm({ seconds: 2 }))) t.push(f)
    const err = await t.finish().catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'transcribe_unavailable', retryable: true })
    expect(t.keptBytes).toBe(64_000)
    expect(await t.retry()).toBe('heard 2.0 seconds of audio')
    expect(world.transcribe.sessions.at(-1)).toMatchObject({ bytes: 64_000, endedByClient: true })
    expect(t.keptBytes).toBe(0)
  })

  it('reports a wrong proxy key as a non-retryable error with the proxy hint', async () => {
    const t = createTranscriber({ ...options(), proxyKey: 'not-the-key-000000000000' })
    t.push(new Uint8Array(3200))
    await expect(t.finish()).rejects.toMatchObject({ code: 'unauthorized', retryable: false })
  })

  it('says the connection was lost, retryably, when the proxy is unreachable', async () => {
    const t = createTranscriber({ ...options(), baseUrl: 'http://127.0.0.1:9' })
    t.push(new Uint8Array(3200))
    await expect(t.finish()).rejects.toMatchObject({ code: 'network', retryable: true })
    expect(t.keptBytes).toBe(3200)
  })
})
