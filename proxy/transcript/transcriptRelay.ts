import * as v from 'valibot'
import { WsClientMessageSchema, type WsServerMessage } from '../../shared/contract.ts'
import { AppError } from '../http/appError.ts'
import { toAppError } from '../http/onError.ts'
import { publicText } from '../http/publicText.ts'
import type { Clock, Log, Transcribe, TranscribeSession } from '../deps.ts'
import type { Config } from '../loadConfig.ts'
import { SAMPLE_RATE, transcribeStart } from './transcribeStart.ts'

const BYTES_PER_SECOND = SAMPLE_RATE * 2
/** Control messages are tiny JSON; anything longer is refused unread. */
export const MAX_TEXT_FRAME_CHARS = 1024

/**
 * - `waiting`: the socket is open, no `start` yet (audio or `stop` now is a client mistake).
 * - `streaming`: Transcribe is started; audio frames are checked and relayed.
 * - `stopping`: the client sent `stop`; further audio is ignored while the final transcript comes.
 * - `closed`: the socket is closed (by either side) and the upstream stream aborted; nothing happens any more.
 */
export type RelayState = 'waiting' | 'streaming' | 'stopping' | 'closed'

/** The part of hono's WSContext the relay uses. */
export type RelaySocket = {
  readonly readyState: number
  send(text: string): void
  close(code: number, reason: string): void
}

export type TranscriptRelayOptions = {
  limits: Config['transcribe']
  /** After `stop`, how long Transcribe may take for the final transcript. */
  finalTimeoutMs: number
  transcribe: Transcribe
  clock: Clock
  log: Log
  keyId: string
  /** The key's recording slots: one is taken while the socket is open, and given back once, however it ends. */
  slot?: { take(): void; give(): void }
}

export type TranscriptRelay = {
  readonly state: RelayState
  /** The socket opened: the idle timer starts. */
  open(socket: RelaySocket): void
  /** A frame from the client: a JSON text message or 16-bit PCM. */
  message(data: unknown, socket: RelaySocket): void
  /** The client went away (or the close we sent completed). */
  socketClosed(): void
  socketFailed(): void
}

/** One recording: the client's WebSocket relayed to one Amazon Transcribe stream, as a four-state machine. */
export function createTranscriptRelay(options: TranscriptRelayOptions): TranscriptRelay {
  const { limits, finalTimeoutMs, transcribe, clock, log, keyId, slot } = options
  const maxBytes = limits.maxSeconds * BYTES_PER_SECOND
  const abort = new AbortController()
  const startedAt = clock.now()
  let state: RelayState = 'waiting'
  let socket: RelaySocket | undefined
  let upstream: TranscribeSession | undefined
  let opened = false
  let bytes = 0
  let outcome = 'closed by client'
  let idleTimer: ReturnType<typeof setTimeout> | undefined
  let finalTimer: ReturnType<typeof setTimeout> | undefined
  let sessionTimer: ReturnType<typeof setTimeout> | undefined

  const send = (m: WsServerMessage) => {
    if (socket && socket.readyState === 1) socket.send(JSON.stringify(m))
  }
  const bad = (message: string) => new AppError({ code: 'bad_request', message })

  /** → closed. Idempotent: the socket's own close event follows ours. */
  function release() {
    state = 'closed'
    clearTimeout(idleTimer)
    clearTimeout(finalTimer)
    clearTimeout(sessionTimer)
    // The upstream stream is reset right now, not at its idle timeout.
    abort.abort()
    if (!opened) return
    opened = false
    slot?.give()
    log.info('transcription ended', {
      keyId,
      audioMs: Math.round((bytes / BYTES_PER_SECOND) * 1000),
      ms: clock.now() - startedAt,
      outcome,
    })
  }
  function finish(code: number, reason: string) {
    if (state === 'closed') return
    outcome = reason
    release()
    socket?.close(code, reason)
  }
  function fail(err: unknown) {
    if (state === 'closed') return
    const e = toAppError(err)
    if (e.status >= 500) log.warn('transcription failed', { keyId, code: e.code, message: e.message, cause: e.cause })
    send({
      type: 'error',
      code: e.code,
      message: publicText(e.message),
      ...(e.hint ? { hint: publicText(e.hint) } : {}),
    })
    finish(4000 + e.status, e.code)
  }
  function armIdle() {
    clearTimeout(idleTimer)
    idleTimer = setTimeout(
      () =>
        fail(
          new AppError({
            code: 'transcribe_idle_timeout',
            message: `No audio for ${Math.round(limits.idleTimeoutMs / 1000)} seconds; the recording was stopped.`,
          }),
        ),
      limits.idleTimeoutMs,
    )
  }

  /** waiting → streaming */
  function start(msg: Parameters<typeof transcribeStart>[0]) {
    const { options: request, ready } = transcribeStart(msg, limits)
    const session = transcribe.start({ ...request, signal: abort.signal })
    upstream = session
    state = 'streaming'
    send(ready)
    void relay(session)
  }

  /** streaming → stopping */
  function stop(session: TranscribeSession) {
    state = 'stopping'
    clearTimeout(idleTimer)
    session.end()
    finalTimer = setTimeout(
      () =>
        fail(
          new AppError({
            code: 'upstream_timeout',
            message: 'Amazon Transcribe did not return the final transcript in time.',
            hint: 'Try again, or type your prompt.',
          }),
        ),
      finalTimeoutMs,
    )
  }

  /** Transcribe → client, until the upstream ends (→ closed) or fails. */
  async function relay(session: TranscribeSession) {
    try {
      for await (const ev of session.events) {
        if (state === 'closed') return
        if (ev.type === 'language') send({ type: 'language', languageCode: ev.languageCode })
        else send({ type: ev.type, text: ev.text })
      }
      if (state === 'closed') return
      send({ type: 'end' })
      finish(1000, state === 'stopping' ? 'done' : 'upstream ended')
    } catch (err) {
      fail(err)
    }
  }

  function onText(data: string) {
    // Never echoed back: the reply names what is expected, not what arrived.
    if (data.length > MAX_TEXT_FRAME_CHARS)
      return fail(bad(`Text frames must be JSON control messages of at most ${MAX_TEXT_FRAME_CHARS} characters.`))
    let parsed: unknown
    try {
      parsed = JSON.parse(data)
    } catch {
      return fail(bad('Text frames must be JSON messages like {"type":"start",...}.'))
    }
    const result = v.safeParse(WsClientMessageSchema, parsed)
    if (!result.success) {
      return fail(
        bad(
          'Invalid message: send {"type":"start","sampleRate":16000,"encoding":"pcm"} first and {"type":"stop"} last.',
        ),
      )
    }
    const msg = result.output
    if (msg.type === 'start') return state === 'waiting' ? start(msg) : fail(bad('The recording has already started.'))
    if (state === 'waiting' || !upstream) return fail(bad('Send {"type":"start"} before "stop".'))
    if (state === 'streaming') stop(upstream)
  }

  function onAudio(chunk: Uint8Array) {
    if (state === 'waiting' || !upstream) return fail(bad('Send {"type":"start",...} before audio frames.'))
    if (state !== 'streaming') return
    if (chunk.byteLength > limits.maxFrameBytes) {
      return fail(
        new AppError({
          code: 'payload_too_large',
          message: `Audio frames must be at most ${limits.maxFrameBytes} bytes; this one had ${chunk.byteLength}.`,
          hint: 'Send about 100 ms of audio (3200 bytes) per frame.',
        }),
      )
    }
    if (chunk.byteLength % 2 !== 0)
      return fail(bad('Audio frames must hold whole 16-bit samples (an even number of bytes).'))
    if (bytes + chunk.byteLength > maxBytes) {
      return fail(
        new AppError({
          code: 'transcribe_too_long',
          message: `Recordings are limited to ${limits.maxSeconds} seconds of audio.`,
        }),
      )
    }
    bytes += chunk.byteLength
    upstream.write(chunk)
    armIdle()
  }

  return {
    get state() {
      return state
    },
    open(s) {
      socket = s
      if (state === 'closed') return
      opened = true
      slot?.take()
      armIdle()
      // A trickle of audio resets the idle timer forever; this bound does not move.
      sessionTimer = setTimeout(
        () =>
          fail(
            new AppError({
              code: 'transcribe_too_long',
              message: `A recording may stay open at most ${Math.round(limits.maxSessionMs / 1000)} seconds.`,
            }),
          ),
        limits.maxSessionMs,
      )
    },
    message(data, s) {
      socket = s
      if (state === 'closed') return
      if (typeof data === 'string') return onText(data)
      if (data instanceof ArrayBuffer) return onAudio(new Uint8Array(data))
      if (ArrayBuffer.isView(data)) return onAudio(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
      return fail(new AppError({ code: 'unsupported_media_type', message: 'Unsupported WebSocket frame.' }))
    },
    socketClosed() {
      release()
    },
    socketFailed() {
      if (opened) outcome = 'socket error'
      release()
    },
  }
}
