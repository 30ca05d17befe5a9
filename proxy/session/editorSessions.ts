import { randomUUID } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'
import * as v from 'valibot'
import { AppError } from '../http/appError.ts'
import type { AppEnv } from '../http/appEnv.ts'
import type { Clock, Log } from '../deps.ts'
import { BoundedMap } from '../boundedMap.ts'
import { SESSION_HEADER, type SignedInEditor } from '../../shared/signInProtocol.ts'
import { createSealer } from './sealed.ts'
import { runAsEditor, type EditorScope } from './editorScope.ts'
import type { StoryblokOAuth, StoryblokUserInfo, TokenSet } from './storyblokOAuthPort.ts'

/** Renew the access token this long before Storyblok's expiry, so a slow apply does not run out mid-way. */
const REFRESH_MARGIN_MS = 60_000

const SessionSchema = v.object({
  v: v.literal(1),
  sid: v.string(),
  user: v.object({ id: v.number(), name: v.string() }),
  space: v.object({ id: v.number(), name: v.string() }),
  roles: v.array(v.string()),
  tokens: v.object({ accessToken: v.string(), refreshToken: v.optional(v.string()), expiresAt: v.number() }),
  expiresAt: v.number(),
})
type Session = v.InferOutput<typeof SessionSchema>

export type EditorSessions = {
  /** A sealed session for the editor who just signed in, and what the plugin may show of it. */
  create(info: StoryblokUserInfo, tokens: TokenSet): { sealed: string; editor: SignedInEditor }
  /**
   * Reads the session header when there is one: refreshes the access token when it is (nearly) expired, sends the
   * renewed session back in the same header, sets `editor` and runs the rest of the request as that editor.
   */
  middleware: MiddlewareHandler<AppEnv>
  /** Refuses this session on this instance from now on (sessions are sealed, not stored: see docs/STORYBLOK.md). */
  signOut(sid: string, expiresAt: number): void
}

export function createEditorSessions({
  secret,
  ttlMs,
  oauth,
  clock,
  log,
}: {
  secret: string
  ttlMs: number
  oauth: StoryblokOAuth
  clock: Clock
  log: Log
}): EditorSessions {
  const sealer = createSealer(secret, 'session')
  const signedOut = new BoundedMap<string, number>(10_000)
  const editorOf = (s: Session): SignedInEditor => ({
    id: s.user.id,
    name: s.user.name,
    spaceId: s.space.id,
    spaceName: s.space.name,
    expiresAt: s.expiresAt,
  })

  const expired = () =>
    new AppError({
      code: 'signin_required',
      message: 'Your sign-in with Storyblok has ended.',
      hint: 'Choose "Sign in with Storyblok" again.',
    })

  return {
    create(info, tokens) {
      const session: Session = {
        v: 1,
        sid: randomUUID(),
        user: info.user,
        space: info.space,
        roles: info.roles,
        tokens,
        expiresAt: clock.now() + ttlMs,
      }
      return { sealed: sealer.seal(session), editor: editorOf(session) }
    },

    signOut(sid, expiresAt) {
      signedOut.set(sid, expiresAt)
      for (const [k, at] of signedOut) if (at <= clock.now()) signedOut.delete(k)
    },

    middleware: async function editorSession(c, next) {
      const header = c.req.header(SESSION_HEADER)
      if (!header) return next()
      const parsed = v.safeParse(SessionSchema, sealer.open(header))
      if (!parsed.success) throw expired()
      let session = parsed.output
      if (session.expiresAt <= clock.now() || signedOut.has(session.sid)) throw expired()
      // Shared by the calls of one request (a story and its schemas are read in parallel): one refresh, not two.
      let renewal: Promise<string | undefined> | undefined
      const scope: EditorScope = {
        userId: session.user.id,
        spaceId: session.space.id,
        accessToken: session.tokens.accessToken,
        renew: () =>
          (renewal ??= (async () => {
            if (!session.tokens.refreshToken) return undefined
            const tokens = await oauth.refresh(session.tokens.refreshToken)
            session = { ...session, tokens }
            // The plugin keeps the renewed session from this reply's header (a stream's headers are already gone;
            // then the next request renews again with the same refresh token).
            c.header(SESSION_HEADER, sealer.seal(session))
            log.info('storyblok sign-in renewed', { requestId: c.get('requestId'), userId: session.user.id })
            return (scope.accessToken = tokens.accessToken)
          })()),
      }
      if (session.tokens.expiresAt - REFRESH_MARGIN_MS <= clock.now() && !(await scope.renew())) throw expired()
      c.set('editor', { ...editorOf(session), sid: session.sid })
      await runAsEditor(scope, next)
    },
  }
}
