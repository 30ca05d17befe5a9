/**
 * The transcription relay's state machine (waiting → streaming → stopping → closed) with a scripted Transcribe
 * session, a recording socket and fake timers: every transition, and that nothing happens once closed.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createTranscriptRelay, type RelaySocket } from '../../../proxy/transcript/transcriptRelay.ts'
import type { Config } from '../../../proxy/loadConfig.ts'
import type { Log, TranscribeOptions, TranscriptEvent } from '../../../proxy/deps.ts'
import { AppError } from '../../../proxy/http/appError.ts'

const limits: Config['transcribe'] = {
  languageOptions: ['en-US', 'de-DE'],
  maxSeconds: 1,
  maxSessionMs: 20_000,
  maxFrameBytes: 3200,
  maxSessionsPerKey: 2,
  idleTimeoutMs: 5_000,
}
const FINAL_TIMEOUT_MS = 2_000

/** A Transcribe session the test drives: `emit` events, then `end()` or `fail()` the stream. */
function scriptedTranscribe() {
  const queue: Array<TranscriptEvent | { done: true } | { error: unknown }> = []
  let wake: (() => void) | undefined
  const push = (item: (typeof queue)[number]) => {
    queue.push(item)
    wake?.()
  }
  const started: TranscribeOptions[] = []
  const written: Uint8Array[] = []
  let ended = false
  async function* events(): AsyncIterable<TranscriptEvent> {
    for (;;) {
      const item = queue.shift()
      if (!item) {
        await new Promise<void>((r) => (wake = r))
        continue
      }
      if ('done' in item) return
      if ('error' in item) throw item.error
      yield item
    }
  }
  return {
    transcribe: {
      start(options: TranscribeOptions) {
        started.push(options)
        return { write: (c: Uint8Array) => void written.push(c), end: () => void (ended = true), events: events() }
      },
    },
    started,
    written,
    ended: () => ended,
    emit: (e: TranscriptEvent) => push(e),
    finish: () => push({ done: true }),
    fail: (error: unknown) => push({ error }),
  }
}

function recordingSocket() {
  const sent: Array<Record<string, unknown>> = []
  const closes: Array<[number, string]> = []
  const socket: RelaySocket & { readyState: number } = {
    readyState: 1,
    send: (text) => void sent.push(JSON.parse(text) as Record<string, unknown>),
    close: (code, reason) => {
      closes.push([code, reason])
      socket.readyState = 3
    },
  }
  return { socket, sent, closes }
}

const silentLog = (): Log & { lines: Array<[string, Record<string, unknown> | undefined]> } => {
  const lines: Array<[string, Record<string, unknown> | undefined]> = []
  const write = (msg: string, fields?: Record<string, unknown>) => void lines.push([msg, fields])
  return { lines, debug: write, info: write, warn: write, error: write }
}

function setup() {
  const upstream = scriptedTranscribe()
  const { socket, sent, closes } = recordingSocket()
  const log = silentLog()
  const slot = { taken: 0, given: 0, take: () => void slot.taken++, give: () => void slot.given++ }
  const relay = createTranscriptRelay({
    limits,
    finalTimeoutMs: FINAL_TIMEOUT_MS,
    transcribe: upstream.transcribe,
    clock: { now: () => 0 },
    log,
    keyId: 'k1',
    slot,
  })
  relay.open(socket)
  const text = (m: unknown) => relay.message(JSON.stringify(m), socket)
  const audio = (bytes: number) => relay.message(new Uint8Array(bytes).buffer, socket)
  const start = () => text({ type: 'start', language: 'de', sampleRate: 16_000, encoding: 'pcm' })
  return { relay, upstream, socket, sent, closes, log, slot, text, audio, start }
}

/** Lets the relay's `for await` loop take what the scripted session queued. */
const drain = () => vi.advanceTimersByTimeAsync(0)

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('transcript relay', () => {
  it('waiting → streaming on start: Transcribe is asked for the language, the client gets ready', () => {
    const t = setup()
    expect(t.relay.state).toBe('waiting')
    expect(t.slot.taken).toBe(1)
    t.start()
    expect(t.relay.state).toBe('streaming')
    expect(t.upstream.started).toEqual([
      expect.objectContaining({ languageCode: 'de-DE', sampleRate: 16_000, signal: expect.any(AbortSignal) }),
    ])
    expect(t.sent).toEqual([{ type: 'ready', languageCode: 'de-DE', maxSeconds: 1, maxFrameBytes: 3200 }])
  })

  it('streaming relays audio and transcripts; stop → stopping ignores audio; the upstream end → closed "done"', async () => {
    const t = setup()
    t.start()
    t.audio(3200)
    t.upstream.emit({ type: 'partial', text: 'hel' })
    await drain()
    t.text({ type: 'stop' })
    expect(t.relay.state).toBe('stopping')
    expect(t.upstream.ended()).toBe(true)
    t.audio(3200)
    t.text({ type: 'stop' })
    expect(t.upstream.written.map((c) => c.byteLength)).toEqual([3200])
    t.upstream.emit({ type: 'final', text: 'hello' })
    t.upstream.finish()
    await drain()
    expect(t.relay.state).toBe('closed')
    expect(t.sent.slice(1)).toEqual([
      { type: 'partial', text: 'hel' },
      { type: 'final', text: 'hello' },
      { type: 'end' },
    ])
    expect(t.closes).toEqual([[1000, 'done']])
    expect(t.slot.given).toBe(1)
    expect(t.log.lines).toContainEqual([
      'transcription ended',
      expect.objectContaining({ keyId: 'k1', audioMs: 100, outcome: 'done' }),
    ])
  })

  it('streaming → closed "upstream ended" when Transcribe ends without a stop', async () => {
    const t = setup()
    t.start()
    t.upstream.finish()
    await drain()
    expect(t.relay.state).toBe('closed')
    expect(t.sent.at(-1)).toEqual({ type: 'end' })
    expect(t.closes).toEqual([[1000, 'upstream ended']])
  })

  it('an upstream failure is sent as an error and closes with 4000 + status', async () => {
    const t = setup()
    t.start()
    t.upstream.fail(new AppError({ code: 'transcribe_unavailable', message: 'down' }))
    await drain()
    expect(t.relay.state).toBe('closed')
    expect(t.sent.at(-1)).toMatchObject({ type: 'error', code: 'transcribe_unavailable', message: 'down' })
    expect(t.closes).toEqual([[4503, 'transcribe_unavailable']])
    expect(t.log.lines.map(([m]) => m)).toContain('transcription failed')
  })

  it.each([
    ['audio before start', (t: ReturnType<typeof setup>) => t.audio(3200), 'bad_request', 4400],
    ['stop before start', (t: ReturnType<typeof setup>) => t.text({ type: 'stop' }), 'bad_request', 4400],
    ['a second start', (t: ReturnType<typeof setup>) => (t.start(), t.start()), 'bad_request', 4400],
    ['text that is not JSON', (t: ReturnType<typeof setup>) => t.relay.message('{', t.socket), 'bad_request', 4400],
    ['an unknown message', (t: ReturnType<typeof setup>) => t.text({ type: 'pause' }), 'bad_request', 4400],
    ['a frame over the limit', (t: ReturnType<typeof setup>) => (t.start(), t.audio(3202)), 'payload_too_large', 4413],
    ['half a sample', (t: ReturnType<typeof setup>) => (t.start(), t.audio(3199)), 'bad_request', 4400],
    [
      'more audio than maxSeconds',
      (t: ReturnType<typeof setup>) => {
        t.start()
        for (let i = 0; i < 11; i++) t.audio(3200)
      },
      'transcribe_too_long',
      4413,
    ],
    [
      'an unsupported frame',
      (t: ReturnType<typeof setup>) => t.relay.message(42, t.socket),
      'unsupported_media_type',
      4415,
    ],
  ])('%s → closed with %s', (_name, act, code, closeCode) => {
    const t = setup()
    act(t)
    expect(t.relay.state).toBe('closed')
    expect(t.sent.at(-1)).toMatchObject({ type: 'error', code })
    expect(t.closes).toEqual([[closeCode, code]])
    expect(t.slot.given).toBe(1)
  })

  it('waiting or streaming without audio for the idle timeout → closed transcribe_idle_timeout', () => {
    const waiting = setup()
    vi.advanceTimersByTime(limits.idleTimeoutMs)
    expect(waiting.relay.state).toBe('closed')
    expect(waiting.closes[0]?.[1]).toBe('transcribe_idle_timeout')

    const streaming = setup()
    streaming.start()
    vi.advanceTimersByTime(limits.idleTimeoutMs - 1)
    streaming.audio(3200) // audio re-arms the idle timer
    vi.advanceTimersByTime(limits.idleTimeoutMs - 1)
    expect(streaming.relay.state).toBe('streaming')
    vi.advanceTimersByTime(1)
    expect(streaming.relay.state).toBe('closed')
    expect(streaming.closes[0]?.[1]).toBe('transcribe_idle_timeout')
  })

  it('a trickle of audio cannot keep a recording open past maxSessionMs → closed transcribe_too_long', () => {
    const t = setup()
    t.start()
    for (let ms = 0; ms + limits.idleTimeoutMs - 1 < limits.maxSessionMs; ms += limits.idleTimeoutMs - 1) {
      vi.advanceTimersByTime(limits.idleTimeoutMs - 1)
      t.audio(2)
    }
    expect(t.relay.state).toBe('streaming')
    vi.advanceTimersByTime(limits.idleTimeoutMs - 1)
    expect(t.relay.state).toBe('closed')
    expect(t.sent.at(-1)).toMatchObject({ type: 'error', code: 'transcribe_too_long' })
    expect(t.closes).toEqual([[4413, 'transcribe_too_long']])
  })

  it('refuses long or invalid text frames without echoing them', () => {
    for (const frame of [
      JSON.stringify({ type: 'start', language: 'x'.repeat(5000) }),
      JSON.stringify({ type: '<img src=x onerror=alert(1)>' }),
      JSON.stringify({ type: 'start', sampleRate: 16_000, encoding: 'pcm', secret: 'ECHO-ME' }),
    ]) {
      const t = setup()
      t.relay.message(frame, t.socket)
      expect(t.relay.state).toBe('closed')
      expect(t.sent.at(-1)).toMatchObject({ type: 'error', code: 'bad_request' })
      const said = JSON.stringify(t.sent)
      expect(said).not.toContain('xxxxxxxx')
      expect(said).not.toContain('onerror')
      expect(said).not.toContain('ECHO-ME')
    }
  })

  it('stopping without the final transcript in time → closed upstream_timeout; no idle timeout while stopping', () => {
    const t = setup()
    t.start()
    t.text({ type: 'stop' })
    vi.advanceTimersByTime(FINAL_TIMEOUT_MS - 1)
    expect(t.relay.state).toBe('stopping')
    vi.advanceTimersByTime(1)
    expect(t.relay.state).toBe('closed')
    expect(t.closes).toEqual([[4504, 'upstream_timeout']])
  })

  it('the client going away → closed: the upstream is aborted, the slot given back once, later frames ignored', async () => {
    const t = setup()
    t.start()
    t.relay.socketClosed()
    expect(t.relay.state).toBe('closed')
    expect(t.upstream.started[0]?.signal.aborted).toBe(true)
    t.audio(3200)
    t.text({ type: 'stop' })
    t.relay.socketFailed()
    t.upstream.emit({ type: 'final', text: 'late' })
    await drain()
    vi.advanceTimersByTime(limits.idleTimeoutMs + FINAL_TIMEOUT_MS)
    expect(t.upstream.written).toEqual([])
    expect(t.sent).toHaveLength(1) // only `ready`
    expect(t.closes).toEqual([])
    expect(t.slot.given).toBe(1)
    expect(t.log.lines).toContainEqual([
      'transcription ended',
      expect.objectContaining({ outcome: 'closed by client' }),
    ])
  })

  it('a socket error → closed with outcome "socket error"', () => {
    const t = setup()
    t.relay.socketFailed()
    expect(t.relay.state).toBe('closed')
    expect(t.slot.given).toBe(1)
    expect(t.log.lines).toContainEqual(['transcription ended', expect.objectContaining({ outcome: 'socket error' })])
  })
})
