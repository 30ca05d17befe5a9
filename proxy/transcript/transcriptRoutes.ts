import { Hono, type Context } from 'hono'
import type { UpgradeWebSocket, WSContext, WSEvents } from 'hono/ws'
import * as v from 'valibot'
import { AppError } from '../http/appError.ts'
import type { AppEnv } from '../http/appEnv.ts'
import type { ApiGuards } from '../http/apiGuards.ts'
import { WsClientMessageSchema, type TranscribeTicket, type WsServerMessage } from '../../shared/contract.ts'
import { transcribeLanguageFor } from './transcribeLanguage.ts'
import type { Deps, TranscribeSession } from '../deps.ts'
import { toAppError } from '../http/onError.ts'
import { registerRecorderPage } from './recorderPage.ts'
import { createTicketStore, type TicketGrant, type TicketStore } from './ticketStore.ts'

export type TranscribeRouteOptions = {
  upgradeWebSocket: UpgradeWebSocket
  guards: ApiGuards
  tickets?: TicketStore
  /** After `stop`, how long Transcribe may take for the final transcript. @default config idle timeout */
  finalTimeoutMs?: number
}

const SAMPLE_RATE = 16_000
const BYTES_PER_SECOND = SAMPLE_RATE * 2

/**
 * Voice: `POST /api/transcribe/ticket` (bearer key) and the
 * `GET /api/transcribe?ticket=…` WebSocket relaying 16 kHz PCM to Amazon Transcribe streaming,
 * plus `GET /recorder`, the companion recorder window for editors whose plugin iframe has no microphone.
 */
export function transcriptRoutes(deps: Deps, options: TranscribeRouteOptions): Hono<AppEnv> {
  const { config, clock } = deps
  const limits = config.transcribe
  const app = new Hono<AppEnv>()
  const {
    upgradeWebSocket,
    guards,
    tickets = createTicketStore({ clock }),
    finalTimeoutMs = limits.idleTimeoutMs,
  } = options
  const active = new Map<string, number>()
  const assertSessionSlot = (keyId: string) => {
    if ((active.get(keyId) ?? 0) >= limits.maxSessionsPerKey) {
      throw new AppError({
        code: 'transcribe_session_limit',
        message: `At most ${limits.maxSessionsPerKey} recordings may run at the same time per proxy key.`,
        retryAfterSeconds: 2,
      })
    }
  }

  app.post('/api/transcribe/ticket', guards.keyed, (c) => {
    const keyId = c.get('apiKey').id
    assertSessionSlot(keyId)
    const { ticket, expiresInSeconds } = tickets.issue({ keyId })
    const url = wsUrl(c)
    url.searchParams.set('ticket', ticket)
    c.header('Cache-Control', 'no-store')
    return c.json({ ticket, expiresInSeconds, url: url.toString() } satisfies TranscribeTicket)
  })

  // Browsers cannot send headers on a WebSocket: the single-use ticket is the credential here.
  app.get('/api/transcribe', guards.ticketed, async (c, next) => {
    if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
      throw new AppError({
        code: 'bad_request',
        status: 426,
        message: 'This endpoint is a WebSocket.',
        hint: 'Open it with new WebSocket(url) using the url from POST /api/transcribe/ticket.',
      })
    }
    const origin = c.req.header('origin')
    if (origin && !config.access.allowedOrigins.includes(origin) && !isSameHost(origin, c.req.header('host'))) {
      throw new AppError({
        code: 'forbidden',
        message: `Origin ${origin.slice(0, 100)} may not use this proxy.`,
        hint: 'Add the origin to ALLOWED_ORIGINS.',
      })
    }
    const ticket = c.req.query('ticket')
    if (!ticket) {
      throw new AppError({
        code: 'unauthorized',
        message: 'Missing ticket.',
        hint: 'Get one with POST /api/transcribe/ticket and open the url it returns.',
      })
    }
    const grant = tickets.redeem(ticket)
    if (!grant) {
      throw new AppError({
        code: 'unauthorized',
        message: 'This transcription ticket is invalid, expired or already used.',
        hint: 'Request a new ticket right before opening the WebSocket; each ticket works once, for 30 seconds.',
      })
    }
    assertSessionSlot(grant.keyId)
    return upgradeWebSocket(() => sessionEvents(grant))(c, next)
  })

  registerRecorderPage(app, deps)
  return app

  function sessionEvents(grant: TicketGrant): WSEvents {
    const abort = new AbortController()
    const maxBytes = limits.maxSeconds * BYTES_PER_SECOND
    const startedAt = clock.now()
    let ws: WSContext | undefined
    let upstream: TranscribeSession | undefined
    let bytes = 0
    let stopped = false
    let closed = false
    let counted = false
    let outcome = 'closed by client'
    let idleTimer: ReturnType<typeof setTimeout> | undefined
    let finalTimer: ReturnType<typeof setTimeout> | undefined

    const send = (m: WsServerMessage) => {
      if (ws && ws.readyState === 1) ws.send(JSON.stringify(m))
    }
    const release = () => {
      clearTimeout(idleTimer)
      clearTimeout(finalTimer)
      abort.abort()
      if (counted) {
        counted = false
        const n = (active.get(grant.keyId) ?? 1) - 1
        if (n <= 0) active.delete(grant.keyId)
        else active.set(grant.keyId, n)
        deps.log.info('transcription ended', {
          keyId: grant.keyId,
          audioMs: Math.round((bytes / BYTES_PER_SECOND) * 1000),
          ms: clock.now() - startedAt,
          outcome,
        })
      }
    }
    const finish = (code: number, reason: string) => {
      if (closed) return
      closed = true
      outcome = reason
      release()
      ws?.close(code, reason)
    }
    const fail = (err: unknown) => {
      if (closed) return
      const e = toAppError(err)
      if (e.status >= 500) deps.log.warn('transcription failed', { keyId: grant.keyId, code: e.code, cause: e.cause })
      send({ type: 'error', code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) })
      finish(4000 + e.status, e.code)
    }
    const armIdle = () => {
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

    function start(msg: v.InferOutput<typeof WsClientMessageSchema> & { type: 'start' }) {
      const optionsList = limits.languageOptions
      const fallback = optionsList[0] ?? 'en-US'
      const identify = optionsList.length >= 2 && (msg.identifyLanguage === true || msg.language === 'auto')
      const languageCode = msg.language === 'auto' ? undefined : transcribeLanguageFor(msg.language, fallback)
      upstream = deps.transcribe.start({
        ...(identify
          ? {
              identifyLanguage: true,
              languageOptions: optionsList,
              ...(languageCode && optionsList.includes(languageCode) ? { languageCode } : {}),
            }
          : { languageCode: languageCode ?? fallback }),
        ...(limits.vocabularyName ? { vocabularyName: limits.vocabularyName } : {}),
        sampleRate: SAMPLE_RATE,
        signal: abort.signal,
      })
      send({
        type: 'ready',
        ...(identify ? { identifyLanguage: true } : { languageCode: languageCode ?? fallback }),
        maxSeconds: limits.maxSeconds,
        maxFrameBytes: limits.maxFrameBytes,
      })
      void relay(upstream)
    }

    async function relay(session: TranscribeSession) {
      try {
        for await (const ev of session.events) {
          if (closed) return
          if (ev.type === 'language') send({ type: 'language', languageCode: ev.languageCode })
          else send({ type: ev.type, text: ev.text })
        }
        if (closed) return
        send({ type: 'end' })
        finish(1000, stopped ? 'done' : 'upstream ended')
      } catch (err) {
        fail(err)
      }
    }

    function onText(data: string) {
      let parsed: unknown
      try {
        parsed = JSON.parse(data)
      } catch {
        return fail(
          new AppError({
            code: 'bad_request',
            message: 'Text frames must be JSON messages like {"type":"start",...}.',
          }),
        )
      }
      const result = v.safeParse(WsClientMessageSchema, parsed)
      if (!result.success) {
        const issue = result.issues[0]
        const path = issue.path?.map((p) => String(p.key)).join('.')
        return fail(
          new AppError({
            code: 'bad_request',
            message: `Invalid message${path ? ` (${path})` : ''}: ${issue.message}`,
          }),
        )
      }
      const msg = result.output
      if (msg.type === 'start') {
        if (upstream) return fail(new AppError({ code: 'bad_request', message: 'The recording has already started.' }))
        return start(msg)
      }
      if (!upstream) return fail(new AppError({ code: 'bad_request', message: 'Send {"type":"start"} before "stop".' }))
      if (stopped) return
      stopped = true
      clearTimeout(idleTimer)
      upstream.end()
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

    function onAudio(chunk: Uint8Array) {
      if (!upstream)
        return fail(new AppError({ code: 'bad_request', message: 'Send {"type":"start",...} before audio frames.' }))
      if (stopped) return
      if (chunk.byteLength > limits.maxFrameBytes) {
        return fail(
          new AppError({
            code: 'payload_too_large',
            message: `Audio frames must be at most ${limits.maxFrameBytes} bytes; this one had ${chunk.byteLength}.`,
            hint: 'Send about 100 ms of audio (3200 bytes) per frame.',
          }),
        )
      }
      if (chunk.byteLength % 2 !== 0) {
        return fail(
          new AppError({
            code: 'bad_request',
            message: 'Audio frames must hold whole 16-bit samples (an even number of bytes).',
          }),
        )
      }
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
      onOpen(_event, socket) {
        ws = socket
        active.set(grant.keyId, (active.get(grant.keyId) ?? 0) + 1)
        counted = true
        armIdle()
      },
      onMessage(event, socket) {
        ws = socket
        if (closed) return
        const data: unknown = event.data
        if (typeof data === 'string') return onText(data)
        if (data instanceof ArrayBuffer) return onAudio(new Uint8Array(data))
        if (ArrayBuffer.isView(data)) return onAudio(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
        return fail(new AppError({ code: 'unsupported_media_type', message: 'Unsupported WebSocket frame.' }))
      },
      onClose() {
        // The client went away (or we closed): the upstream stream is reset right now, not at its idle timeout.
        closed = true
        release()
      },
      onError() {
        closed = true
        outcome = 'socket error'
        release()
      },
    }
  }
}

function wsUrl(c: Context<AppEnv>): URL {
  const url = new URL('/api/transcribe', c.req.url)
  const proto = c.req.header('x-forwarded-proto')?.split(',')[0]?.trim()
  const secure = proto ? proto === 'https' : url.protocol === 'https:'
  url.protocol = secure ? 'wss:' : 'ws:'
  return url
}

function isSameHost(origin: string, host: string | undefined): boolean {
  try {
    return Boolean(host) && new URL(origin).host === host
  } catch {
    return false
  }
}
