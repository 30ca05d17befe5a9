import { createHash, randomBytes } from 'node:crypto'
import { listen, readBody, writeHead } from './listen.ts'
import type { StoryblokSimulator, TokenGrant } from './storyblok.ts'

/**
 * Storyblok's OAuth 2.0 authorization server for apps, on 127.0.0.1: the authorization-code flow as
 * @storyblok/app-extension-auth drives it (docs/STORYBLOK.md §8 has the sources).
 *
 * - GET  /oauth/authorize  client_id, response_type=code, redirect_uri, scope, state, code_challenge (S256).
 *   Consent is automatic for the signed-in user (`signIn`), or refused (`consent = 'deny'`); the redirect carries
 *   code, state and space_id. An unknown client or redirect URI gets a 400 page, never a redirect.
 * - POST /oauth/token      authorization_code (single use, 60 s, PKCE checked) and refresh_token grants;
 *   client_secret_post or HTTP Basic; RFC 6749 error bodies; access tokens live `accessTokenTtlSeconds` (899).
 * - GET  /oauth/user_info  `{ user: { id, friendly_name, email }, space: { id, name }, roles: [{ name }] }`.
 *
 * Each access token is added to the Management API simulator's grants, bound to the one space it was issued for,
 * with the user (so saves name them), its scopes, expiry and the content types the user's role may not change.
 */

export type OAuthClient = { clientId: string; clientSecret: string; redirectUris: string[] }

export type OAuthMembership = {
  spaceId: number
  spaceName: string
  roles: string[]
  /** Content types this user's role may not change (the Management API answers 403). */
  readOnlyContentTypes?: string[]
}

export type OAuthUser = {
  id: number
  firstname: string
  lastname: string
  friendly_name: string
  email: string
  memberships: OAuthMembership[]
}

export type OAuthRequest = { method: string; path: string; query: Record<string, string>; status: number }

export type StoryblokOAuthOptions = {
  /** The Management API simulator that must accept the issued tokens. */
  storyblok: StoryblokSimulator
  clients: OAuthClient[]
  users: OAuthUser[]
  /** @default 899 (what Storyblok's token endpoint answers) */
  accessTokenTtlSeconds?: number
  /** Refuse an authorization request without a S256 code_challenge. @default false */
  requirePkce?: boolean
  /** Must be the Management API simulator's clock, so both agree on expiry. @default Date.now */
  now?: () => number
}

export type StoryblokOAuthSimulator = {
  url: string
  /** `${url}/oauth`, the base the proxy's STORYBLOK_OAUTH_URL points at. */
  oauthUrl: string
  close(): Promise<void>
  readonly requests: OAuthRequest[]
  /** Who the authorize page treats as signed in to Storyblok. */
  signIn(userId: number): void
  consent: 'allow' | 'deny'
  /** The app was uninstalled or the user removed: every token of theirs stops working. */
  revoke(userId: number): void
  /** Moves every live access token past its expiry (refresh tokens stay valid). */
  expireAccessTokens(): void
  /** The access tokens issued so far (for asserting that none reached the browser). */
  readonly issuedAccessTokens: string[]
}

type Code = {
  clientId: string
  redirectUri: string
  userId: number
  spaceId: number
  scope: string[]
  challenge?: string
  expiresAt: number
}
type Refresh = { clientId: string; userId: number; spaceId: number; scope: string[] }

const SCOPES = ['read_content', 'write_content']

export async function startStoryblokOAuthSimulator(opts: StoryblokOAuthOptions): Promise<StoryblokOAuthSimulator> {
  const { storyblok, clients, users, accessTokenTtlSeconds = 899, requirePkce = false, now = Date.now } = opts
  const codes = new Map<string, Code>()
  const refreshTokens = new Map<string, Refresh>()
  const requests: OAuthRequest[] = []
  const issued: string[] = []
  let signedIn = users[0]?.id

  const userById = (id: number | undefined) => users.find((u) => u.id === id)
  const randomToken = () => randomBytes(24).toString('base64url')

  function issueAccess(r: Refresh) {
    const user = userById(r.userId)
    const membership = user?.memberships.find((m) => m.spaceId === r.spaceId)
    const token = randomToken()
    issued.push(token)
    const grant: TokenGrant = {
      token,
      kind: 'oauth',
      spaces: [r.spaceId],
      expiresAt: now() + accessTokenTtlSeconds * 1000,
      scope: r.scope,
      ...(user
        ? {
            user: {
              id: user.id,
              firstname: user.firstname,
              lastname: user.lastname,
              friendly_name: user.friendly_name,
            },
          }
        : {}),
      ...(membership?.readOnlyContentTypes ? { readOnlyContentTypes: membership.readOnlyContentTypes } : {}),
    }
    storyblok.tokens.push(grant)
    return { access_token: token, token_type: 'bearer', expires_in: accessTokenTtlSeconds }
  }

  const sim: StoryblokOAuthSimulator = {
    url: '',
    oauthUrl: '',
    close: async () => {},
    requests,
    consent: 'allow',
    signIn: (userId) => void (signedIn = userId),
    revoke(userId) {
      for (const [t, r] of refreshTokens) if (r.userId === userId) refreshTokens.delete(t)
      for (let i = storyblok.tokens.length - 1; i >= 0; i--) {
        if (storyblok.tokens[i]?.user?.id === userId && storyblok.tokens[i]?.kind === 'oauth')
          storyblok.tokens.splice(i, 1)
      }
    },
    expireAccessTokens() {
      for (const g of storyblok.tokens) if (issued.includes(g.token)) g.expiresAt = now() - 1
    },
    issuedAccessTokens: issued,
  }

  function authorize(q: URLSearchParams): { status: number; location?: string; text?: string } {
    const client = clients.find((c) => c.clientId === q.get('client_id'))
    const redirectUri = q.get('redirect_uri') ?? ''
    // RFC 6749 §4.1.2.1: never redirect to an unverified URI.
    if (!client) return { status: 400, text: 'Unknown client_id' }
    if (!client.redirectUris.includes(redirectUri)) return { status: 400, text: 'redirect_uri is not registered' }
    const back = (params: Record<string, string>) => {
      const to = new URL(redirectUri)
      for (const [k, val] of Object.entries(params)) to.searchParams.set(k, val)
      const state = q.get('state')
      if (state !== null) to.searchParams.set('state', state)
      return { status: 302, location: to.toString() }
    }
    if (q.get('response_type') !== 'code') return back({ error: 'unsupported_response_type' })
    const scope = (q.get('scope') ?? '').split(/[\s+]+/).filter(Boolean)
    if (scope.length === 0 || scope.some((s) => !SCOPES.includes(s))) return back({ error: 'invalid_scope' })
    const challenge = q.get('code_challenge') ?? undefined
    if (challenge !== undefined && q.get('code_challenge_method') !== 'S256')
      return back({ error: 'invalid_request', error_description: 'code_challenge_method must be S256' })
    if (requirePkce && challenge === undefined)
      return back({ error: 'invalid_request', error_description: 'code_challenge required' })
    const user = userById(signedIn)
    if (!user) return { status: 401, text: 'Sign in to Storyblok first' }
    if (sim.consent === 'deny') return back({ error: 'access_denied' })
    const asked = q.get('space_id')
    const membership = asked ? user.memberships.find((m) => String(m.spaceId) === asked) : user.memberships[0]
    if (!membership) return back({ error: 'access_denied', error_description: 'not a collaborator of this space' })
    const code = randomToken()
    codes.set(code, {
      clientId: client.clientId,
      redirectUri,
      userId: user.id,
      spaceId: membership.spaceId,
      scope,
      ...(challenge ? { challenge } : {}),
      expiresAt: now() + 60_000,
    })
    return back({ code, space_id: String(membership.spaceId) })
  }

  function token(form: URLSearchParams, basic: string | undefined): { status: number; body: unknown } {
    const fail = (error: string, description?: string, status = 400) => ({
      status,
      body: { error, ...(description ? { error_description: description } : {}) },
    })
    let clientId = form.get('client_id') ?? ''
    let secret = form.get('client_secret') ?? ''
    if (basic) {
      const [id, pw] = Buffer.from(basic, 'base64').toString('utf8').split(':')
      clientId = decodeURIComponent(id ?? '')
      secret = decodeURIComponent(pw ?? '')
    }
    const client = clients.find((c) => c.clientId === clientId && c.clientSecret === secret)
    if (!client) return fail('invalid_client', undefined, 401)

    if (form.get('grant_type') === 'authorization_code') {
      const code = codes.get(form.get('code') ?? '')
      codes.delete(form.get('code') ?? '') // single use, even when the exchange fails
      if (!code || code.clientId !== client.clientId || code.expiresAt <= now()) return fail('invalid_grant')
      if (code.redirectUri !== form.get('redirect_uri')) return fail('invalid_grant', 'redirect_uri mismatch')
      if (code.challenge !== undefined) {
        const verifier = form.get('code_verifier') ?? ''
        const computed = createHash('sha256').update(verifier).digest('base64url')
        if (computed !== code.challenge) return fail('invalid_grant', 'PKCE verification failed')
      }
      const r: Refresh = { clientId: client.clientId, userId: code.userId, spaceId: code.spaceId, scope: code.scope }
      const refresh_token = randomToken()
      refreshTokens.set(refresh_token, r)
      return { status: 200, body: { ...issueAccess(r), refresh_token, scope: r.scope.join(' ') } }
    }
    if (form.get('grant_type') === 'refresh_token') {
      const refresh_token = form.get('refresh_token') ?? ''
      const r = refreshTokens.get(refresh_token)
      if (!r || r.clientId !== client.clientId) return fail('invalid_grant')
      // Storyblok's library keeps the first refresh token, so the simulator does not rotate it.
      return { status: 200, body: { ...issueAccess(r), refresh_token, scope: r.scope.join(' ') } }
    }
    return fail('unsupported_grant_type')
  }

  function userInfo(authorization: string | undefined): { status: number; body: unknown } {
    const t = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1]
    const grant = storyblok.tokens.find((g) => g.token === t && issued.includes(g.token))
    if (!grant || (grant.expiresAt !== undefined && grant.expiresAt <= now()) || !grant.user)
      return { status: 401, body: { error: 'invalid_token' } }
    const user = userById(grant.user.id)
    const spaceId = grant.spaces === 'all' ? 0 : (grant.spaces[0] ?? 0)
    const membership = user?.memberships.find((m) => m.spaceId === spaceId)
    if (!user || !membership) return { status: 401, body: { error: 'invalid_token' } }
    return {
      status: 200,
      body: {
        user: { id: user.id, friendly_name: user.friendly_name, email: user.email },
        space: { id: membership.spaceId, name: membership.spaceName },
        roles: membership.roles.map((name) => ({ name })),
      },
    }
  }

  const server = await listen((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://sim')
      const rec: OAuthRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        status: 0,
      }
      requests.push(rec)
      const raw = (await readBody(req)).toString('utf8')
      const json = (status: number, body: unknown) => {
        rec.status = status
        writeHead(res, status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' })
        res.end(JSON.stringify(body))
      }
      if (rec.method === 'GET' && url.pathname === '/oauth/authorize') {
        const r = authorize(url.searchParams)
        rec.status = r.status
        writeHead(res, r.status, r.location ? { location: r.location } : { 'content-type': 'text/plain' })
        return void res.end(r.text ?? '')
      }
      if (rec.method === 'POST' && url.pathname === '/oauth/token') {
        const basic = /^Basic (.+)$/i.exec(String(req.headers.authorization ?? ''))?.[1]
        const r = token(new URLSearchParams(raw), basic)
        return json(r.status, r.body)
      }
      if (rec.method === 'GET' && url.pathname === '/oauth/user_info') {
        const auth = req.headers.authorization
        const r = userInfo(typeof auth === 'string' ? auth : undefined)
        return json(r.status, r.body)
      }
      json(404, { error: 'Not found' })
    })().catch((err: unknown) => {
      writeHead(res, 500, { 'content-type': 'text/plain' })
      res.end(String(err))
    })
  })
  sim.url = server.url
  sim.oauthUrl = `${server.url}/oauth`
  sim.close = () => server.close()
  return sim
}

/** Two collaborators of the demo space: an editor who may change everything, a translator who may not change pages. */
export function demoOAuthUsers(spaceId: number): OAuthUser[] {
  return [
    {
      id: 4102,
      firstname: 'Erika',
      lastname: 'Editor',
      friendly_name: 'Erika Editor',
      email: 'erika@example.com',
      memberships: [{ spaceId, spaceName: 'Demo space', roles: ['Editor'] }],
    },
    {
      id: 4104,
      firstname: 'Tom',
      lastname: 'Translator',
      friendly_name: 'Tom Translator',
      email: 'tom@example.com',
      memberships: [
        { spaceId, spaceName: 'Demo space', roles: ['Translator'], readOnlyContentTypes: ['default-page'] },
      ],
    },
  ]
}
