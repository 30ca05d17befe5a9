import type {
  ChangesBody,
  ChangesResult,
  ConversationBody,
  LedgerBody,
  LedgerResult,
  SseEvent,
} from '../../../shared/contract.ts'
import { PluginError, toPluginError } from '../pluginError.ts'
import { badResponse, errorFromEnvelope } from './errorFromEnvelope.ts'
import { readSse } from './readSse.ts'
import { sseEventFromMessage } from './sseEventFromMessage.ts'
import { isRecord } from '../../../shared/isRecord.ts'
import { SESSION_HEADER } from '../../../shared/signInProtocol.ts'

export type ProxyClientOptions = {
  baseUrl: string
  key: string
  /** @default globalThis.fetch */
  fetch?: typeof globalThis.fetch
  /** The Storyblok sign-in session to send (AUTH_MODE oauth/both). */
  session?: () => string | undefined
  /** A reply renewed the session, or (undefined) said the session sent has ended. */
  onSession?: (next: string | undefined) => void
}

export type ProxyClient = ReturnType<typeof createProxyClient>

function isChangesResult(v: unknown): v is ChangesResult {
  return isRecord(v) && typeof v['storyId'] === 'number' && Array.isArray(v['applied']) && Array.isArray(v['undo'])
}

function isLedgerResult(v: unknown): v is LedgerResult {
  return isRecord(v) && typeof v['storyId'] === 'number' && Array.isArray(v['changeSets'])
}

/** HTTP client for the proxy: the conversation as an SSE stream, apply/undo of change sets, and the ledger. */
export function createProxyClient({
  baseUrl,
  key,
  fetch = globalThis.fetch.bind(globalThis),
  session,
  onSession,
}: ProxyClientOptions) {
  const url = (path: string) => new URL(path, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`).toString()
  const headers = (accept: string, sent: string | undefined) => ({
    'content-type': 'application/json',
    accept,
    authorization: `Bearer ${key}`,
    ...(sent ? { [SESSION_HEADER]: sent } : {}),
  })

  async function post(path: string, body: unknown, accept: string, signal?: AbortSignal): Promise<Response> {
    let res: Response
    const sent = session?.()
    try {
      res = await fetch(url(path), {
        method: 'POST',
        headers: headers(accept, sent),
        body: JSON.stringify(body),
        ...(signal ? { signal } : {}),
      })
    } catch (err) {
      if (signal?.aborted) throw err
      throw toPluginError(err)
    }
    const renewed = res.headers.get(SESSION_HEADER)
    if (renewed) onSession?.(renewed)
    if (!res.ok) {
      const error = errorFromEnvelope(await res.json().catch(() => undefined), res.status)
      if (sent && error.code === 'signin_required') onSession?.(undefined)
      throw error
    }
    return res
  }

  /**
   * Streams the assistant's answer. An `error` event ends the stream by throwing a PluginError; aborting `signal`
   * stops the request (the proxy then stops calling Bedrock) and ends the iteration quietly.
   */
  async function* converse(
    body: ConversationBody,
    { signal }: { signal?: AbortSignal } = {},
  ): AsyncGenerator<SseEvent> {
    let res: Response
    try {
      res = await post('api/conversation', body, 'text/event-stream', signal)
    } catch (err) {
      if (signal?.aborted) return
      throw err
    }
    if (!res.body || !(res.headers.get('content-type') ?? '').includes('text/event-stream')) {
      throw badResponse('The proxy did not answer with an event stream.', res.status)
    }
    let sawDone = false
    try {
      for await (const message of readSse(res.body, signal ? { signal } : {})) {
        if (message.event === 'error') {
          let data: unknown
          try {
            data = JSON.parse(message.data)
          } catch {
            data = undefined
          }
          throw errorFromEnvelope(data)
        }
        const event = sseEventFromMessage(message)
        if (!event) continue
        if (event.event === 'done') sawDone = true
        yield event
      }
    } catch (err) {
      if (signal?.aborted) return
      if (err instanceof PluginError) throw err
      throw toPluginError(err)
    }
    if (!sawDone && !signal?.aborted) {
      throw new PluginError({
        code: 'bedrock_stream_truncated',
        message: 'The answer stopped before it was complete.',
        hint: 'Try again.',
      })
    }
  }

  async function changes(body: ChangesBody): Promise<ChangesResult> {
    const res = await post('api/changes', body, 'application/json')
    const json: unknown = await res.json().catch(() => undefined)
    if (!isChangesResult(json))
      throw badResponse('The proxy sent an unexpected reply to the change request.', res.status)
    return json
  }

  return {
    converse,
    apply: (body: Omit<ChangesBody, 'reason'>) => changes({ ...body, reason: 'apply' }),
    undo: (body: Omit<ChangesBody, 'reason'>) => changes({ ...body, reason: 'undo' }),
    /** The story's change sets, read by the proxy from Storyblok's story versions. */
    async ledger(body: LedgerBody): Promise<LedgerResult> {
      const res = await post('api/changes/history', body, 'application/json')
      const json: unknown = await res.json().catch(() => undefined)
      if (!isLedgerResult(json))
        throw badResponse('The proxy sent an unexpected reply to the history request.', res.status)
      return json
    },
  }
}
