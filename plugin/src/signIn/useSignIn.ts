import { shallowRef } from 'vue'
import type { AuthMode, SignInMessage, SignedInEditor } from '../../../shared/signInProtocol.ts'
import type { ProxyClient } from '../api/createProxyClient.ts'

type WindowLike = Pick<Window, 'open' | 'addEventListener' | 'removeEventListener'> & { location: { origin: string } }

export type SignInOptions = {
  proxyUrl: string
  spaceId: number | undefined
  /** @default globalThis.window */
  window?: WindowLike
}

/**
 * Sign in with Storyblok (AUTH_MODE oauth/both). The proxy's sign-in window (its own origin: the plugin iframe cannot
 * host the redirect flow) posts back a sealed session; messages count only from that window and the proxy's origin.
 * A failed sign-in stays open and says why itself. The session lives in memory with the field: the plugin cannot
 * open it, and it never holds a Storyblok token. The proxy client sends it (`session`, `sessionChanged`).
 */
export function useSignIn({ proxyUrl, spaceId, window: win = globalThis.window }: SignInOptions) {
  const mode = shallowRef<AuthMode>()
  const editor = shallowRef<SignedInEditor>()
  /** window.open returned null: popups blocked, or a sandbox without allow-popups. */
  const blocked = shallowRef(false)
  let session: string | undefined
  let client: Pick<ProxyClient, 'sessionInfo' | 'signOut'> | undefined
  let stopListening = () => {}

  /** A reply renewed the session (the proxy refreshed the Storyblok token), or (undefined) said it ended. */
  function sessionChanged(next: string | undefined) {
    session = next
    if (!next) editor.value = undefined
  }

  return {
    mode,
    editor,
    blocked,
    session: () => session,
    sessionChanged,
    /** Asks the proxy for its mode; an older proxy without /api/session writes with its shared token. */
    connect(proxy: NonNullable<typeof client>) {
      client = proxy
      return proxy
        .sessionInfo()
        .catch(() => ({}))
        .then((info) => void (mode.value = (info as { mode?: AuthMode }).mode ?? 'shared-token'))
    },
    /** Call from the click (user activation), or the popup is blocked. */
    signIn() {
      const to = new URL('/auth/login', proxyUrl)
      to.searchParams.set('origin', win.location.origin)
      if (spaceId !== undefined) to.searchParams.set('space_id', String(spaceId))
      const popup = win.open(to, 'storyblok-sign-in', 'popup,width=520,height=720')
      blocked.value = !popup
      stopListening()
      const onMessage = ({ origin, source, data }: MessageEvent<Partial<SignInMessage> | null>) => {
        if (origin !== to.origin || source !== popup || data?.type !== 'sva-signin' || !data.session) return
        stopListening()
        sessionChanged(data.session)
        editor.value = data.editor
      }
      win.addEventListener('message', onMessage)
      stopListening = () => win.removeEventListener('message', onMessage)
    },
    signOut() {
      void client?.signOut().catch(() => undefined)
      sessionChanged(undefined)
    },
  }
}

export type SignIn = ReturnType<typeof useSignIn>
