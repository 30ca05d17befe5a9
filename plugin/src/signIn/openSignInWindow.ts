import { isSignInMessage, type SignInMessage } from '../../../shared/signInProtocol.ts'

export type SignInWindowResult =
  | { type: 'signed-in'; message: Extract<SignInMessage, { session: string }> }
  | { type: 'failed'; message: Extract<SignInMessage, { error: object }> }
  /** window.open returned null: popups blocked, or a sandbox without allow-popups. */
  | { type: 'popup-blocked' }
  /** Closed before Storyblok answered. */
  | { type: 'closed' }

type WindowLike = Pick<
  Window,
  'open' | 'addEventListener' | 'removeEventListener' | 'setInterval' | 'clearInterval'
> & {
  location: { origin: string }
}

/**
 * Opens the proxy's sign-in window (call it synchronously in the click handler: user activation) and waits for the
 * session it posts back. Messages count only from the proxy's origin and from that very window.
 */
export function openSignInWindow({
  proxyUrl,
  spaceId,
  window: win = globalThis.window,
}: {
  proxyUrl: string
  spaceId?: number
  /** @default globalThis.window */
  window?: WindowLike
}): { result: Promise<SignInWindowResult>; close(): void } {
  const proxyOrigin = new URL(proxyUrl).origin
  const url = new URL('/auth/login', proxyUrl)
  url.searchParams.set('origin', win.location.origin)
  if (spaceId !== undefined) url.searchParams.set('space_id', String(spaceId))
  const popup = win.open(url.toString(), 'storyblok-sign-in', 'popup,width=520,height=720')
  if (!popup) return { result: Promise.resolve({ type: 'popup-blocked' }), close: () => undefined }

  let finish!: (r: SignInWindowResult) => void
  const result = new Promise<SignInWindowResult>((resolve) => (finish = resolve))
  const onMessage = (event: MessageEvent) => {
    if (event.origin !== proxyOrigin || event.source !== popup || !isSignInMessage(event.data)) return
    const m = event.data
    done(m.session !== undefined ? { type: 'signed-in', message: m } : { type: 'failed', message: m })
  }
  const poll = win.setInterval(() => {
    if (popup.closed) done({ type: 'closed' })
  }, 400)
  function done(r: SignInWindowResult) {
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
  }
}
