import { Hono } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import * as oauth from 'oauth4webapi'
import * as v from 'valibot'
import { AppError, isAppError } from '../http/appError.ts'
import type { AppEnv } from '../http/appEnv.ts'
import type { ApiGuards } from '../http/apiGuards.ts'
import type { Deps } from '../deps.ts'
import type { SessionInfo } from '../../shared/signInProtocol.ts'
import { createSealer } from './sealed.ts'
import type { EditorSessions } from './editorSessions.ts'
import { signInPage } from './signInPage.ts'
import type { StoryblokOAuth } from './storyblokOAuthPort.ts'

const LOGIN_COOKIE = 'sva_login'
/** Time to finish Storyblok's consent screen. */
const LOGIN_TTL_MS = 10 * 60_000

const LoginSchema = v.object({ state: v.string(), verifier: v.string(), origin: v.string(), at: v.number() })

export type AuthRouteOptions = { guards: ApiGuards; sessions?: EditorSessions; oauth?: StoryblokOAuth }

/**
 * Sign in with Storyblok, on the proxy's origin (the plugin iframe cannot host a redirect flow):
 * - GET /auth/login?origin=<plugin origin>[&space_id=] opens in the companion window: state + PKCE verifier go into
 *   a sealed, HttpOnly cookie for /auth, then a redirect to Storyblok's consent page.
 * - GET /auth/callback checks state (CSRF), trades the code with the verifier, reads who signed in for which space,
 *   and posts a sealed session to the opener; the Storyblok tokens never leave the proxy unsealed.
 * - GET /api/session (keyed) tells the plugin the mode and whose session it holds; POST /auth/logout ends it.
 */
export function authRoutes(deps: Deps, { guards, sessions, oauth: client }: AuthRouteOptions): Hono<AppEnv> {
  const { config, clock, log } = deps
  const app = new Hono<AppEnv>()
  const mode = config.auth.mode

  app.get('/api/session', guards.keyed, (c) => {
    const editor = c.get('editor')
    const info: SessionInfo = {
      mode,
      editor: editor
        ? {
            id: editor.id,
            name: editor.name,
            spaceId: editor.spaceId,
            spaceName: editor.spaceName,
            expiresAt: editor.expiresAt,
          }
        : null,
    }
    return c.json(info)
  })

  app.post('/auth/logout', guards.keyed, (c) => {
    const editor = c.get('editor')
    if (editor) {
      sessions?.signOut(editor.sid, editor.expiresAt)
      log.info('storyblok sign-out', { requestId: c.get('requestId'), userId: editor.id })
    }
    return c.json({ signedOut: true })
  })

  if (!sessions || !client || !config.auth.sessionSecret || !config.auth.oauth) return app
  const login = createSealer(config.auth.sessionSecret, 'login')
  const secure = new URL(config.auth.oauth.redirectUri).protocol === 'https:'

  app.get('/auth/login', async (c) => {
    const origin = c.req.query('origin') ?? ''
    if (!config.access.allowedOrigins.includes(origin)) {
      return signInPage(c, {
        origin: undefined,
        status: 400,
        message: {
          type: 'sva-signin',
          error: { code: 'bad_request', message: 'Sign-in can only be started from the Voice Assistant plugin.' },
        },
      })
    }
    const spaceParam = c.req.query('space_id')
    const spaceId = spaceParam && /^\d{1,20}$/.test(spaceParam) ? Number(spaceParam) : undefined
    const state = oauth.generateRandomState()
    const verifier = oauth.generateRandomCodeVerifier()
    setCookie(c, LOGIN_COOKIE, login.seal({ state, verifier, origin, at: clock.now() }), {
      path: '/auth',
      httpOnly: true,
      secure,
      sameSite: 'Lax', // sent on Storyblok's top-level redirect back to /auth/callback
      maxAge: LOGIN_TTL_MS / 1000,
    })
    c.header('Cache-Control', 'no-store')
    // Every page of the window must keep its opener (COOP same-origin on any step cuts it for good).
    c.header('Cross-Origin-Opener-Policy', 'unsafe-none')
    const to = client.authorizationUrl({
      state,
      codeChallenge: await oauth.calculatePKCECodeChallenge(verifier),
      ...(spaceId !== undefined ? { spaceId } : {}),
    })
    return c.redirect(to.toString(), 302)
  })

  app.get('/auth/callback', async (c) => {
    const parsed = v.safeParse(LoginSchema, login.open(getCookie(c, LOGIN_COOKIE) ?? ''))
    deleteCookie(c, LOGIN_COOKIE, { path: '/auth', secure })
    const started = parsed.success && clock.now() - parsed.output.at < LOGIN_TTL_MS ? parsed.output : undefined
    const fail = (err: AppError) => {
      log.warn('storyblok sign-in failed', { requestId: c.get('requestId'), code: err.code, reason: err.message })
      return signInPage(c, {
        origin: started?.origin,
        status: err.status === 401 ? 401 : err.status === 403 ? 403 : err.status >= 500 ? 503 : 400,
        message: {
          type: 'sva-signin',
          error: { code: err.code, message: err.message, ...(err.hint ? { hint: err.hint } : {}) },
        },
      })
    }
    if (!started) {
      return fail(
        new AppError({
          code: 'signin_failed',
          message: 'This sign-in was not started in this browser, or took longer than 10 minutes.',
          hint: 'Close this window and choose "Sign in with Storyblok" again.',
        }),
      )
    }
    try {
      const tokens = await client.exchangeCode(new URL(c.req.url), {
        state: started.state,
        codeVerifier: started.verifier,
      })
      const info = await client.userInfo(tokens.accessToken)
      const allow = config.access.spaceAllowlist
      if (allow !== 'all' && !allow.includes(info.space.id)) {
        throw new AppError({
          code: 'forbidden',
          message: `Space ${info.space.id} is not served by this proxy.`,
          hint: 'Ask the operator to add the space to SPACE_ALLOWLIST.',
        })
      }
      const { sealed, editor } = sessions.create(info, tokens)
      log.info('storyblok sign-in', {
        requestId: c.get('requestId'),
        userId: info.user.id,
        spaceId: info.space.id,
        roles: info.roles,
      })
      return signInPage(c, {
        origin: started.origin,
        status: 200,
        message: { type: 'sva-signin', session: sealed, editor },
      })
    } catch (err) {
      if (isAppError(err)) return fail(err)
      throw err
    }
  })
  return app
}
