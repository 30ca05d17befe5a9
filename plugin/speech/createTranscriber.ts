import type { TranscribeTicket, WsServerMessage } from '../../shared/contract.ts'
import { errorFromEnvelope } from '../src/api/errorFromEnvelope.ts'
import { PluginError } from '../src/pluginError.ts'

/** The subset of the browser WebSocket used here (the `ws` package fits too, for tests). */
export type WebSocketLike = {
  binaryType: string
  readyState: number
  onopen: ((ev: unknown) => void) | null
  onmessage: ((ev: { data: unknown }) => void) | null
  onclose: ((ev: { code: number; reason: string }) => void) | null
  onerror: ((ev: unknown) => void) | null
  send(data: string | ArrayBufferView | ArrayBuffer): void
  close(code?: number, reason?: string): void
}
export type WebSocketCtor = new (url: string) => WebSocketLike

export type TranscriberOptions = {
  /** Proxy base URL, e.g. https://voice.example.com. */
  baseUrl: string
  /** Sent as Bearer to get a ticket; not needed when `getTicket` is given (the recorder window asks its opener). */
  proxyKey?: string
  getTicket?: () => Promise<string>
  /** Editor UI/story language (`de`, `en-US`, `default`) or `auto`. */
  language?: string
  onPartial?: (text: string) => void
  onLanguage?: (languageCode: string) => void
  /** @default globalThis.fetch */
  fetch?: typeof globalThis.fetch
  /** @default globalThis.WebSocket */
  WebSocket?: WebSocketCtor
}

export type Transcriber = {
  /** Queue a 16 kHz Int16 LE frame: sent at once when connected, and kept until a final transcript arrives. */
  push(frame: Uint8Array): void
  /** No more audio; resolves with the final transcript, rejects with a PluginError (`retryable`: retry() may work). */
  finish(): Promise<string>
  /** After a failure: a new ticket and socket, the whole kept recording replayed, then the final transcript. */
  retry(): Promise<string>
  cancel(): void
  /** Bytes of audio held for a retry (0 once a final transcript arrived). */
  readonly keptBytes: number
}

const OPEN = 1

/**
 * Streams a recording to the proxy's /api/transcribe WebSocket as it is recorded. The audio stays in memory
 * until the final transcript arrives, so a dropped connection or a Transcribe failure never loses it.
 */
export function createTranscriber(options: TranscriberOptions): Transcriber {
  const { fetch = globalThis.fetch, WebSocket = globalThis.WebSocket as unknown as WebSocketCtor } = options
  let kept: Uint8Array[] = []
  let keptBytes = 0
  let attempt: Attempt | undefined
  let finishing = false
  let done = false
  let cancelled = false

  type Attempt = { ws?: WebSocketLike; sent: number; final: Promise<string>; ready: Promise<void> }

  async function ticket(): Promise<{ url: string }> {
    const t = options.getTicket
      ? await options.getTicket()
      : await fetchTicket({ baseUrl: options.baseUrl, proxyKey: options.proxyKey, fetch })
    return { url: wsUrl(options.baseUrl, t) }
  }

  function connect(): Attempt {
    const a: Attempt = { sent: 0, final: Promise.resolve(''), ready: Promise.resolve() }
    let resolveReady!: () => void
    a.ready = new Promise((r) => (resolveReady = r))
    a.final = new Promise<string>((resolve, reject) => {
      let settled = false
      const settle = (err: PluginError | undefined, text = '') => {
        if (settled) return
        settled = true
        resolveReady()
        if (err) reject(err)
        else resolve(text)
      }
      ticket().then(
        ({ url }) => {
          if (cancelled) return settle(cancelledError())
          const ws = new WebSocket(url)
          ws.binaryType = 'arraybuffer'
          a.ws = ws
          ws.onopen = () => {
            ws.send(
              JSON.stringify({
                type: 'start',
                language: options.language ?? 'default',
                sampleRate: 16_000,
                encoding: 'pcm',
              }),
            )
            flush(a)
            if (finishing) ws.send(JSON.stringify({ type: 'stop' }))
            resolveReady()
          }
          ws.onmessage = (ev) => {
            const m = parse(ev.data)
            if (!m) return
            if (m.type === 'partial') options.onPartial?.(m.text)
            else if (m.type === 'language') options.onLanguage?.(m.languageCode)
            else if (m.type === 'final') settle(undefined, m.text)
            else if (m.type === 'error') settle(new PluginError({ code: m.code, message: m.message, hint: m.hint }))
          }
          ws.onclose = (ev) => {
            settle(
              new PluginError({
                code: 'network',
                message: 'The connection to the proxy was lost before the transcript arrived.',
                hint: 'Retry: your recording was kept.',
              }),
            )
            void ev
          }
          ws.onerror = () => undefined // onclose follows and says what happened
        },
        (err: unknown) =>
          settle(
            err instanceof PluginError ? err : new PluginError({ code: 'network', message: String(err), cause: err }),
          ),
      )
    })
    a.final.catch(() => undefined) // observed by finish()/retry(); avoid unhandled rejections meanwhile
    return a
  }

  function flush(a: Attempt) {
    const ws = a.ws
    if (!ws || ws.readyState !== OPEN) return
    for (; a.sent < kept.length; a.sent++) ws.send(kept[a.sent]!)
  }

  async function settleFinal(a: Attempt): Promise<string> {
    try {
      const text = await a.final
      done = true
      kept = [] // a recording is dropped only once its transcript exists
      keptBytes = 0
      return text
    } finally {
      a.ws?.close()
    }
  }

  attempt = connect()

  return {
    push(frame) {
      if (finishing || done || cancelled || frame.byteLength === 0) return
      kept.push(frame)
      keptBytes += frame.byteLength
      if (attempt) flush(attempt)
    },
    async finish() {
      if (!attempt) throw cancelledError()
      finishing = true
      const ws = attempt.ws
      if (ws && ws.readyState === OPEN) {
        flush(attempt)
        ws.send(JSON.stringify({ type: 'stop' }))
      }
      return settleFinal(attempt)
    },
    async retry() {
      if (done)
        throw new PluginError({
          code: 'bad_request',
          message: 'This recording is already transcribed.',
          retryable: false,
        })
      attempt?.ws?.close()
      finishing = true
      attempt = connect()
      return settleFinal(attempt)
    },
    cancel() {
      cancelled = true
      attempt?.ws?.close()
      kept = []
      keptBytes = 0
    },
    get keptBytes() {
      return keptBytes
    },
  }
}

/** POST /api/transcribe/ticket with the proxy key; rejects with a PluginError carrying the proxy's code and hint. */
export async function fetchTicket({
  baseUrl,
  proxyKey,
  fetch = globalThis.fetch,
}: {
  baseUrl: string
  proxyKey?: string | undefined
  fetch?: typeof globalThis.fetch
}): Promise<string> {
  let res: Response
  try {
    res = await fetch(new URL('/api/transcribe/ticket', baseUrl), {
      method: 'POST',
      headers: proxyKey ? { authorization: `Bearer ${proxyKey}` } : {},
    })
  } catch (err) {
    throw new PluginError({
      code: 'network',
      message: 'Could not reach the proxy.',
      hint: 'Check the network and the proxy URL, then retry.',
      cause: err,
    })
  }
  const body: unknown = await res.json().catch(() => undefined)
  if (!res.ok) throw errorFromEnvelope(body, res.status)
  const t = body as Partial<TranscribeTicket> | undefined
  if (typeof t?.ticket !== 'string')
    throw new PluginError({ code: 'bad_response', message: 'The proxy sent no ticket.', retryable: true })
  return t.ticket
}

function wsUrl(baseUrl: string, ticket: string): string {
  const url = new URL('/api/transcribe', baseUrl)
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
  url.searchParams.set('ticket', ticket)
  return url.toString()
}

function parse(data: unknown): WsServerMessage | undefined {
  if (typeof data !== 'string') return undefined
  try {
    const m: unknown = JSON.parse(data)
    if (typeof m !== 'object' || m === null || typeof (m as { type?: unknown }).type !== 'string') return undefined
    const t = (m as { type: string; text?: unknown }).type
    if ((t === 'partial' || t === 'final') && typeof (m as { text?: unknown }).text !== 'string') return undefined
    return m as WsServerMessage
  } catch {
    return undefined
  }
}

const cancelledError = () => new PluginError({ code: 'cancelled', message: 'Cancelled.', retryable: false })
