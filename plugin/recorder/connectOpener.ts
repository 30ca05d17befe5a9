import {
  isPluginMessage,
  RECORDER_SOURCE,
  type PluginMessage,
  type RecorderMessage,
} from '../../shared/recorderProtocol.ts'
import { PluginError } from '../src/pluginError.ts'

type Outgoing = RecorderMessage extends infer M
  ? M extends RecorderMessage
    ? Omit<M, 'source' | 'sid'>
    : never
  : never

export type OpenerLink = {
  /** Sends a message to the plugin (only to the origin the proxy validated). */
  post(message: Outgoing): void
  /** A fresh single-use ticket from the plugin, which holds the proxy key; rejects with a PluginError. */
  ticket(): Promise<string>
}

type WindowLike = Pick<Window, 'addEventListener' | 'setTimeout' | 'clearTimeout'>
type OpenerLike = Pick<Window, 'postMessage' | 'closed'>

/**
 * The recorder's side of shared/recorderProtocol: messages count only from the opener window, from the plugin
 * origin the proxy validated, with this window's session id.
 */
export function connectOpener({
  opener,
  origin,
  sid,
  window: win = globalThis.window,
  ticketTimeoutMs = 10_000,
}: {
  opener: OpenerLike
  origin: string
  sid: string
  window?: WindowLike
  /** @default 10000 */
  ticketTimeoutMs?: number
}): OpenerLink {
  const waiters: Array<{ resolve(ticket: string): void; reject(err: PluginError): void }> = []

  win.addEventListener('message', (event: MessageEvent) => {
    if (event.origin !== origin || event.source !== opener || !isPluginMessage(event.data, sid)) return
    const waiter = waiters.shift()
    if (!waiter) return
    const m: PluginMessage = event.data
    if (m.type === 'ticket') waiter.resolve(m.ticket)
    else
      waiter.reject(
        new PluginError({
          // A plugin build older than this page sends no code: let the editor try again.
          code: m.code ?? 'internal',
          message: m.message,
          hint: m.hint,
          ...(m.retryable !== undefined ? { retryable: m.retryable } : {}),
        }),
      )
  })

  const post = (message: Outgoing) => {
    if (!opener.closed) opener.postMessage({ source: RECORDER_SOURCE, sid, ...message }, origin)
  }

  return {
    post,
    ticket: () =>
      new Promise<string>((resolve, reject) => {
        const timer = win.setTimeout(() => {
          const i = waiters.indexOf(waiter)
          if (i !== -1) waiters.splice(i, 1)
          reject(new PluginError({ code: 'timeout', message: 'The plugin did not answer. Is it still open?' }))
        }, ticketTimeoutMs)
        const waiter = {
          resolve: (t: string) => (win.clearTimeout(timer), resolve(t)),
          reject: (e: PluginError) => (win.clearTimeout(timer), reject(e)),
        }
        waiters.push(waiter)
        post({ type: 'need-ticket' })
      }),
  }
}
