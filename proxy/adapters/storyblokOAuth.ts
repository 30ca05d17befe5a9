import * as oauth from 'oauth4webapi'
import * as v from 'valibot'
import { AppError } from '../http/appError.ts'
import type { Clock } from '../deps.ts'
import type { StoryblokOAuth, StoryblokUserInfo, TokenSet } from '../session/storyblokOAuthPort.ts'

export type CreateStoryblokOAuthOptions = {
  clientId: string
  clientSecret: string
  /** This proxy's `/auth/callback`, exactly as registered in the app's OAuth settings. */
  redirectUri: string
  /** `https://app.storyblok.com/oauth`, or the simulator's. */
  baseUrl: string
  scope: string
  clock?: Clock
  /** Per call. @default 8_000 */
  timeoutMs?: number
}

// Storyblok's user_info is not OpenID Connect's (app-extension-auth's isUserInfo checks this shape).
const UserInfoReply = v.object({
  user: v.looseObject({ id: v.number(), friendly_name: v.optional(v.nullable(v.string())) }),
  space: v.looseObject({ id: v.number(), name: v.optional(v.nullable(v.string())) }),
  roles: v.optional(v.array(v.looseObject({ name: v.string() })), []),
})

/**
 * The OAuth client on oauth4webapi (RFC 6749 + PKCE, RFC 7636). @storyblok/app-extension-auth does the same flow
 * with openid-client but is bound to Node request/response objects and keeps the access token in a browser cookie;
 * this proxy keeps it sealed on its own side. Endpoints as that library's: `${baseUrl}/authorize|token|user_info`,
 * client_secret_post.
 */
export function createStoryblokOAuth(opts: CreateStoryblokOAuthOptions): StoryblokOAuth {
  const { clientId, clientSecret, redirectUri, baseUrl, scope, clock = { now: Date.now }, timeoutMs = 8_000 } = opts
  const as: oauth.AuthorizationServer = {
    issuer: new URL(baseUrl).origin,
    authorization_endpoint: `${baseUrl}/authorize`,
    token_endpoint: `${baseUrl}/token`,
    userinfo_endpoint: `${baseUrl}/user_info`,
  }
  const client: oauth.Client = { client_id: clientId }
  const clientAuth = oauth.ClientSecretPost(clientSecret)
  const http = () => ({
    // Loopback simulators speak http; production endpoints are https (the config insists on it for the redirect).
    [oauth.allowInsecureRequests]: new URL(baseUrl).protocol === 'http:',
    signal: AbortSignal.timeout(timeoutMs),
  })

  const toTokenSet = (r: oauth.TokenEndpointResponse, previousRefresh?: string): TokenSet => {
    const refreshToken = r.refresh_token ?? previousRefresh
    return {
      accessToken: r.access_token,
      ...(refreshToken ? { refreshToken } : {}),
      // Storyblok answers 899 s; without expires_in assume the same rather than forever.
      expiresAt: clock.now() + (r.expires_in ?? 899) * 1000,
    }
  }

  return {
    authorizationUrl({ state, codeChallenge, spaceId }) {
      const url = new URL(as.authorization_endpoint ?? '')
      url.searchParams.set('client_id', clientId)
      url.searchParams.set('response_type', 'code')
      url.searchParams.set('redirect_uri', redirectUri)
      url.searchParams.set('scope', scope)
      url.searchParams.set('state', state)
      url.searchParams.set('code_challenge', codeChallenge)
      url.searchParams.set('code_challenge_method', 'S256')
      if (spaceId !== undefined) url.searchParams.set('space_id', String(spaceId))
      return url
    },

    async exchangeCode(callbackUrl, { state, codeVerifier }) {
      let params: URLSearchParams
      try {
        params = oauth.validateAuthResponse(as, client, callbackUrl, state)
      } catch (err) {
        throw signinFailed(err)
      }
      try {
        const response = await oauth.authorizationCodeGrantRequest(
          as,
          client,
          clientAuth,
          params,
          redirectUri,
          codeVerifier,
          http(),
        )
        return toTokenSet(await oauth.processAuthorizationCodeResponse(as, client, response))
      } catch (err) {
        throw signinFailed(err)
      }
    },

    async refresh(refreshToken) {
      try {
        const response = await oauth.refreshTokenGrantRequest(as, client, clientAuth, refreshToken, http())
        return toTokenSet(await oauth.processRefreshTokenResponse(as, client, response), refreshToken)
      } catch (err) {
        if (err instanceof oauth.ResponseBodyError && err.error === 'invalid_grant') throw signinRequired(err)
        throw unavailable('renewing your Storyblok sign-in', err)
      }
    },

    async userInfo(accessToken): Promise<StoryblokUserInfo> {
      let body: unknown
      try {
        const response = await oauth.protectedResourceRequest(
          accessToken,
          'GET',
          new URL(as.userinfo_endpoint ?? ''),
          new Headers({ accept: 'application/json' }),
          null,
          http(),
        )
        if (response.status === 401) throw signinRequired(new Error('user_info HTTP 401'))
        if (!response.ok) throw unavailable('reading who signed in', new Error(`user_info HTTP ${response.status}`))
        body = await response.json()
      } catch (err) {
        if (err instanceof AppError) throw err
        if (err instanceof oauth.WWWAuthenticateChallengeError) throw signinRequired(err)
        throw unavailable('reading who signed in', err)
      }
      const parsed = v.safeParse(UserInfoReply, body)
      if (!parsed.success) throw unavailable('reading who signed in', new Error('unexpected user_info reply'))
      const { user, space, roles } = parsed.output
      return {
        user: { id: user.id, name: user.friendly_name ?? `User ${user.id}` },
        space: { id: space.id, name: space.name ?? `Space ${space.id}` },
        roles: roles.map((r) => r.name),
      }
    },
  }
}

function signinFailed(err: unknown): AppError {
  const code =
    err instanceof oauth.AuthorizationResponseError || err instanceof oauth.ResponseBodyError ? err.error : undefined
  const csrf = err instanceof oauth.OperationProcessingError && /state/i.test(err.message)
  return new AppError({
    code: 'signin_failed',
    message: csrf
      ? 'The sign-in answer does not belong to the sign-in this window started.'
      : code === 'access_denied'
        ? 'Storyblok sign-in was cancelled.'
        : `Storyblok did not complete the sign-in${code ? ` (${code})` : ''}.`,
    hint: 'Close this window and choose "Sign in with Storyblok" again.',
    cause: err,
  })
}

export function signinRequired(cause: unknown): AppError {
  return new AppError({
    code: 'signin_required',
    message: 'Your Storyblok sign-in is no longer valid (it expired, was revoked, or the app was removed).',
    hint: 'Choose "Sign in with Storyblok" again.',
    cause,
  })
}

function unavailable(action: string, cause: unknown): AppError {
  return new AppError({
    code: 'storyblok_unavailable',
    message: `Storyblok did not answer while ${action}.`,
    hint: 'Try again in a moment.',
    cause,
  })
}
