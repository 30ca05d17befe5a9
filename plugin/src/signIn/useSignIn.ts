import { shallowRef, type Ref } from 'vue'
import { isRecord } from '../../../shared/isRecord.ts'
import { SESSION_HEADER, type AuthMode, type SessionInfo, type SignedInEditor } from '../../../shared/signInProtocol.ts'
import { openSignInWindow, type SignInWindowResult } from './openSignInWindow.ts'

export type SignInState =
  | { type: 'unknown'; error?: never }
  | { type: 'ready'; error?: never }
  | { type: 'waiting'; error?: never }
  | { type: 'error'; error: string }

export type SignInOptions = {
  proxyUrl: string
  proxyKey: string
  spaceId: number | undefined
  /** @default globalThis.fetch */
  fetch?: typeof globalThis.fetch
  /** Where the sealed session survives a reload of the field. @default globalThis.sessionStorage (when usable) */
  storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | undefined
  /** @default openSignInWindow */
  openWindow?: typeof openSignInWindow
}

export type SignIn = {
  mode: Ref<AuthMode | undefined>
  editor: Ref<SignedInEditor | undefined>
  state: Ref<SignInState>
  /** The sealed session for the proxy calls (never the Storyblok token: the plugin cannot open it). */
  session(): string | undefined
  /** A reply carried a renewed session (the proxy refreshed the Storyblok token), or said the session has ended. */
  sessionChanged(next: string | undefined): void
  /** Asks the proxy for its mode and whether the kept session is still valid. */
  refresh(): Promise<void>
  /** Opens the companion window; call from a click. Resolves to the window's outcome. */
  signIn(): Promise<SignInWindowResult['type']>
  signOut(): Promise<void>
}

const defaultStorage = () => {
  try {
    return globalThis.sessionStorage
  } catch {
    return undefined // a sandboxed frame without storage: the session lives as long as the field
  }
}

/** Sign in with Storyblok for AUTH_MODE oauth/both: the companion window flow and the session it hands over. */
export function useSignIn(options: SignInOptions): SignIn {
  const { proxyUrl, proxyKey, spaceId, fetch = globalThis.fetch.bind(globalThis) } = options
  const storage = 'storage' in options ? options.storage : defaultStorage()
  const openWindow = options.openWindow ?? openSignInWindow
  const storageKey = `sva-session:${new URL(proxyUrl).origin}:${spaceId ?? 'any'}`
  const mode = shallowRef<AuthMode | undefined>()
  const editor = shallowRef<SignedInEditor | undefined>()
  const state = shallowRef<SignInState>({ type: 'unknown' })
  let session: string | undefined = readStored()

  function readStored(): string | undefined {
    try {
      return storage?.getItem(storageKey) ?? undefined
    } catch {
      return undefined
    }
  }
  function keep(next: string | undefined) {
    session = next
    try {
      if (next) storage?.setItem(storageKey, next)
      else storage?.removeItem(storageKey)
    } catch {
      // storage refused (quota, privacy mode): memory only
    }
    if (!next) editor.value = undefined
  }
  const url = (path: string) => new URL(path, proxyUrl.endsWith('/') ? proxyUrl : `${proxyUrl}/`).toString()
  const headers = () => ({
    authorization: `Bearer ${proxyKey}`,
    accept: 'application/json',
    ...(session ? { [SESSION_HEADER]: session } : {}),
  })

  async function refresh() {
    try {
      const res = await fetch(url('api/session'), { headers: headers() })
      if (res.status === 401 && session) {
        keep(undefined) // the kept session ended: ask once more without it, for the mode
        return refresh()
      }
      const body: unknown = await res.json()
      if (!res.ok || !isRecord(body) || typeof body['mode'] !== 'string') throw new Error(`HTTP ${res.status}`)
      const info = body as SessionInfo
      const renewed = res.headers.get(SESSION_HEADER)
      if (renewed) keep(renewed)
      mode.value = info.mode
      editor.value = info.editor ?? undefined
      if (!info.editor && session) keep(undefined)
      state.value = { type: 'ready' }
    } catch {
      // An older proxy without /api/session writes with its shared token.
      mode.value ??= 'shared-token'
      state.value = { type: 'ready' }
    }
  }

  return {
    mode,
    editor,
    state,
    session: () => session,
    sessionChanged: keep,
    refresh,
    async signIn() {
      state.value = { type: 'waiting' }
      const outcome = await openWindow({ proxyUrl, ...(spaceId !== undefined ? { spaceId } : {}) }).result
      if (outcome.type === 'signed-in') {
        keep(outcome.message.session)
        editor.value = outcome.message.editor
        state.value = { type: 'ready' }
      } else if (outcome.type === 'failed') {
        const e = outcome.message.error
        state.value = { type: 'error', error: `${e.message}${e.hint ? ` ${e.hint}` : ''}` }
      } else {
        state.value = { type: 'error', error: outcome.type }
      }
      return outcome.type
    },
    async signOut() {
      const sent = session
      keep(undefined)
      if (sent)
        await fetch(url('auth/logout'), { method: 'POST', headers: { ...headers(), [SESSION_HEADER]: sent } }).catch(
          () => undefined,
        )
    },
  }
}
