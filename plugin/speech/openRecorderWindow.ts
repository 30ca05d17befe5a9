import { toPluginError } from '../src/pluginError.ts'
import { isRecorderMessage, newRecorderSid, PLUGIN_SOURCE, type PluginMessage } from '../../shared/recorderProtocol.ts'

export type RecorderWindowResult =
  | { type: 'final'; text: string }
  | { type: 'cancelled' }
  /** window.open returned null: popups blocked, or a sandbox without allow-popups. Offer typing. */
  | { type: 'popup-blocked' }
  /** Closed without a transcript, or the opener link was cut (e.g. the editor sends COOP: same-origin). */
  | { type: 'closed' }

type WindowLike = Pick<
  Window,
  'open' | 'addEventListener' | 'removeEventListener' | 'setInterval' | 'clearInterval'
> & {
  location: { origin: string }
}

export type RecorderWindowOptions = {
  /** Proxy base URL; the recorder is `${proxyUrl}/recorder`. */
  proxyUrl: string
  /** A fresh single-use ticket per attempt (the plugin holds the proxy key; the popup never sees it). */
  getTicket: () => Promise<string>
  language?: string
  onPartial?: (text: string) => void
  onState?: (state: 'listening' | 'transcribing' | 'idle') => void
  /** @default globalThis.window */
  window?: WindowLike
}

export type RecorderWindow = {
  result: Promise<RecorderWindowResult>
  close(): void
  /** Brings the window back to the front (it hides behind the editor once the editor is clicked). */
  focus(): void
}

/**
 * Opens the companion recorder window — call it synchronously in the click handler (user activation) —
 * and waits for its transcript. Messages count only from the proxy's origin, from that very window, with
 * this window's random session id; tickets go only to the proxy's origin.
 */
export function openRecorderWindow(options: RecorderWindowOptions): RecorderWindow {
  const { window: win = globalThis.window, getTicket } = options
  const sid = newRecorderSid()
  const recorderOrigin = new URL(options.proxyUrl).origin
  const url = new URL('/recorder', options.proxyUrl)
  url.searchParams.set('origin', win.location.origin)
  url.searchParams.set('sid', sid)
  if (options.language) url.searchParams.set('lang', options.language)
  const popup = win.open(url.toString(), 'voice-recorder', 'popup,width=440,height=380')
  if (!popup)
    return { result: Promise.resolve({ type: 'popup-blocked' }), close: () => undefined, focus: () => undefined }

  let finish!: (r: RecorderWindowResult) => void
  const result = new Promise<RecorderWindowResult>((resolve) => (finish = resolve))
  const reply = (msg: PluginMessage) => popup.postMessage(msg, recorderOrigin)
  const onMessage = (event: MessageEvent) => {
    if (event.origin !== recorderOrigin || event.source !== popup || !isRecorderMessage(event.data, sid)) return
    const m = event.data
    if (m.type === 'need-ticket') {
      getTicket().then(
        (ticket) => reply({ source: PLUGIN_SOURCE, sid, type: 'ticket', ticket }),
        (err: unknown) => {
          const e = toPluginError(err)
          reply({
            source: PLUGIN_SOURCE,
            sid,
            type: 'ticket-error',
            message: e.message,
            ...(e.hint ? { hint: e.hint } : {}),
            code: e.code,
            retryable: e.retryable,
          })
        },
      )
    } else if (m.type === 'partial') options.onPartial?.(m.text)
    else if (m.type === 'state') options.onState?.(m.state)
    else if (m.type === 'final') done({ type: 'final', text: m.text })
    else if (m.type === 'cancel') done({ type: 'cancelled' })
  }
  const poll = win.setInterval(() => {
    if (popup.closed) done({ type: 'closed' })
  }, 400)
  function done(r: RecorderWindowResult) {
    win.removeEventListener('message', onMessage)
    win.clearInterval(poll)
    finish(r)
  }
  win.addEventListener('message', onMessage)
  return {
    result,
    close() {
      popup.close()
      done({ type: 'closed' })
    },
    focus: () => popup.focus(),
  }
}
