/**
 * Sign in with Storyblok (AUTH_MODE oauth/both): what the proxy's sign-in window posts to the plugin, and the
 * header the plugin sends its session in. The session is sealed by the proxy: the plugin only stores and returns it.
 */
import { isRecord } from './isRecord.ts'

/** Request header with the sealed session; a reply carries a renewed one in the same header after a refresh. */
export const SESSION_HEADER = 'X-Assistant-Session'

export type AuthMode = 'shared-token' | 'oauth' | 'both'

/** Who the proxy writes as: the verified Storyblok user of the session. */
export type SignedInEditor = {
  id: number
  name: string
  spaceId: number
  spaceName: string
  /** Epoch ms. */ expiresAt: number
}

/** `GET /api/session`: the proxy's mode and, when a valid session was sent, who it belongs to. */
export type SessionInfo = { mode: AuthMode; editor: SignedInEditor | null }

export type SignInMessage =
  | { type: 'sva-signin'; session: string; editor: SignedInEditor; error?: never }
  | { type: 'sva-signin'; session?: never; editor?: never; error: { code: string; message: string; hint?: string } }

/** Shape check only: the origin and source of the message are checked by the receiver. */
export function isSignInMessage(data: unknown): data is SignInMessage {
  return (
    isRecord(data) && data['type'] === 'sva-signin' && (typeof data['session'] === 'string' || isRecord(data['error']))
  )
}
