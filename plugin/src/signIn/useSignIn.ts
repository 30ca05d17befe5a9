import { shallowRef } from 'vue'
import { SESSION_HEADER, isSignInMessage, type AuthMode, type SignedInEditor } from '../../../shared/signInProtocol.ts'

type WindowLike = Pick<Window, 'open' | 'addEventListener' | 'removeEventListener'> & { location: { origin: string } }

export type SignInOptions = {
  proxyUrl: string
  proxyKey: string
  spaceId: number | undefined
  /** @default globalThis.fetch */
  fetch?: typeof globalThis.fetch
  /** @default globalThis.window */
  window?: WindowLike
}

/**
 * Sign in with Storyblok (AUTH_MODE oauth/both). The proxy's sign-in window (its own origin: the plugin iframe cannot
 * host the redirect flow) posts back a sealed session; messages count only from that window and the proxy's origin.
 * The session lives in memory with the field: the plugin cannot open it, and it never holds a Storyblok token.
 */
export function useSignIn({
  proxyUrl,
  proxyKey,
  spaceId,
  fetch = globalThis.fetch.bind(globalThis),
  window: win = globalThis.window,
}: SignInOptions) {
  const mode = shallowRef<AuthMode>()
  const editor = shallowRef<SignedInEditor>()
  /** The window's error message, or 'popup-blocked'. */
  const error = shallowRef('')
  let session: string | undefined
  const url = (path: string) => new URL(path, proxyUrl.endsWith('/') ? proxyUrl : `${proxyUrl}/`)
  const call = (path: string, method = 'GET') =>
    fetch(url(path), {
      method,
      headers: { authorization: `Bearer ${proxyKey}`, ...(session ? { [SESSION_HEADER]: session } : {}) },
    })

  /** A reply renewed the session (the proxy refreshed the Storyblok token), or (undefined) said it ended. */
  function sessionChanged(next: string | undefined) {
    session = next
    if (!next) editor.value = undefined
  }

  return {
    mode,
    editor,
    error,
    session: () => session,
    sessionChanged,
    /** Asks the proxy for its mode; an older proxy without /api/session writes with its shared token. */
    async load() {
      const info = (await (await call('api/session')).json().catch(() => ({}))) as { mode?: AuthMode }
      mode.value = info.mode ?? 'shared-token'
    },
    /** Call from the click (user activation), or the popup is blocked. */
    signIn() {
      const to = url('auth/login')
      to.searchParams.set('origin', win.location.origin)
      if (spaceId !== undefined) to.searchParams.set('space_id', String(spaceId))
      const popup = win.open(to, 'storyblok-sign-in', 'popup,width=520,height=720')
      error.value = popup ? '' : 'popup-blocked'
      const onMessage = (e: MessageEvent) => {
        if (e.origin !== to.origin || e.source !== popup || !isSignInMessage(e.data)) return
        win.removeEventListener('message', onMessage)
        const m = e.data
        if (m.error) error.value = `${m.error.message} ${m.error.hint ?? ''}`.trim()
        else {
          sessionChanged(m.session)
          editor.value = m.editor
        }
      }
      if (popup) win.addEventListener('message', onMessage)
    },
    signOut() {
      void call('auth/logout', 'POST').catch(() => undefined)
      sessionChanged(undefined)
    },
  }
}

export type SignIn = ReturnType<typeof useSignIn>
