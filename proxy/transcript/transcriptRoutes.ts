import { Hono, type Context } from 'hono'
import type { UpgradeWebSocket, WSEvents } from 'hono/ws'
import { AppError } from '../http/appError.ts'
import type { AppEnv } from '../http/appEnv.ts'
import type { ApiGuards } from '../http/apiGuards.ts'
import type { TranscribeTicket } from '../../shared/contract.ts'
import type { Deps } from '../deps.ts'
import { registerRecorderPage } from './recorderPage.ts'
import { createTicketStore, type TicketGrant, type TicketStore } from './ticketStore.ts'
import { createTranscriptRelay } from './transcriptRelay.ts'
import { createSessionSlots } from './sessionSlots.ts'

export type TranscriptRouteOptions = {
  upgradeWebSocket: UpgradeWebSocket
  guards: ApiGuards
  tickets?: TicketStore
  /** After `stop`, how long Transcribe may take for the final transcript. @default config idle timeout */
  finalTimeoutMs?: number
}

/**
 * Voice: `POST /api/transcribe/ticket` (bearer key) and the
 * `GET /api/transcribe?ticket=…` WebSocket relaying 16 kHz PCM to Amazon Transcribe streaming,
 * plus `GET /recorder`, the companion recorder window for editors whose plugin iframe has no microphone.
 */
export function transcriptRoutes(deps: Deps, options: TranscriptRouteOptions): Hono<AppEnv> {
  const { config, clock } = deps
  const limits = config.transcribe
  const app = new Hono<AppEnv>()
  const {
    upgradeWebSocket,
    guards,
    tickets = createTicketStore({ clock }),
    finalTimeoutMs = limits.idleTimeoutMs,
  } = options
  const slots = createSessionSlots(limits.maxSessionsPerKey)
  const sessionEvents = (grant: TicketGrant): WSEvents => {
    const relay = createTranscriptRelay({
      limits,
      finalTimeoutMs,
      transcribe: deps.transcribe,
      clock,
      log: deps.log,
      keyId: grant.keyId,
      slot: slots.slot(grant.keyId),
    })
    return {
      onOpen: (_event, socket) => relay.open(socket),
      onMessage: (event, socket) => relay.message(event.data, socket),
      onClose: () => relay.socketClosed(),
      onError: () => relay.socketFailed(),
    }
  }

  app.post('/api/transcribe/ticket', guards.keyed, async (c) => {
    const keyId = c.get('apiKey').id
    slots.assertFree(keyId)
    const { ticket, expiresInSeconds } = await tickets.issue({ keyId })
    const url = wsUrl(c, config.publicUrl)
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
    const grant = await tickets.redeem(ticket)
    if (!grant) {
      throw new AppError({
        code: 'unauthorized',
        message: 'This transcription ticket is invalid, expired or already used.',
        hint: 'Request a new ticket right before opening the WebSocket; each ticket works once, for 30 seconds.',
      })
    }
    slots.assertFree(grant.keyId)
    // node-ws reports a socket error (e.g. a frame over maxPayload) by building an ErrorEvent, which Node lacks; the
    // close that follows ends the relay, and the failure goes to the log instead of the console.
    const onError = (err: unknown) =>
      deps.log.warn('transcription socket error', { keyId: grant.keyId, error: String(err).slice(0, 200) })
    return upgradeWebSocket(() => sessionEvents(grant), { onError })(c, next)
  })

  registerRecorderPage(app, deps)
  return app
}

/** From PUBLIC_URL when set: the Host header and X-Forwarded-Proto are the client's to choose. */
function wsUrl(c: Context<AppEnv>, publicUrl: string | undefined): URL {
  if (publicUrl) {
    const url = new URL('/api/transcribe', publicUrl)
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
    return url
  }
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
