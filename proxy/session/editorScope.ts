import { AsyncLocalStorage } from 'node:async_hooks'

/** The signed-in editor a request runs for; only the proxy's Storyblok port reads the access token. */
export type EditorScope = {
  userId: number
  spaceId: number
  accessToken: string
  /**
   * Trades the refresh token for a new access token, once per request however many calls ask (Storyblok said 401
   * before the expiry the proxy expected); the new token, or undefined when there is no refresh token.
   */
  renew(): Promise<string | undefined>
}

const scope = new AsyncLocalStorage<EditorScope>()

/**
 * Carried by async context rather than passed down: the schema, story-read and style-guide caches sit above the
 * Storyblok port and are shared by every request, so only the port itself must know whose token to send.
 */
export const runAsEditor = <T>(editor: EditorScope, work: () => T): T => scope.run(editor, work)

export const currentEditor = (): EditorScope | undefined => scope.getStore()
