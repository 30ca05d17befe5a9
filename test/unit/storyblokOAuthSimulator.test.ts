import { createHash } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  DEMO_SPACE_ID,
  DEMO_STORY_IDS,
  startStoryblokSimulator,
  type StoryblokSimulator,
} from '../../dev/simulators/storyblok.ts'
import {
  demoOAuthUsers,
  startStoryblokOAuthSimulator,
  type StoryblokOAuthSimulator,
} from '../../dev/simulators/storyblokOAuth.ts'

const CLIENT = { clientId: 'sim-client', clientSecret: 'sim-secret-0000000000', redirectUris: ['http://app.test/cb'] }
const VERIFIER = 'v'.repeat(50)
const CHALLENGE = createHash('sha256').update(VERIFIER).digest('base64url')
const HOME = `/v1/spaces/${DEMO_SPACE_ID}/stories/${DEMO_STORY_IDS.home}`
const ARTICLE = `/v1/spaces/${DEMO_SPACE_ID}/stories/${DEMO_STORY_IDS.article}`

let mapi: StoryblokSimulator
let oauth: StoryblokOAuthSimulator
let now = Date.UTC(2026, 10, 25, 12, 0, 0)
beforeEach(async () => {
  now = Date.UTC(2026, 10, 25, 12, 0, 0)
  mapi = await startStoryblokSimulator({ now: () => now, rateLimitPerSecond: 1000 })
  oauth = await startStoryblokOAuthSimulator({
    storyblok: mapi,
    clients: [CLIENT],
    users: demoOAuthUsers(DEMO_SPACE_ID),
    now: () => now,
  })
})
afterEach(async () => {
  await oauth.close()
  await mapi.close()
})

function authorizeUrl(extra: Record<string, string> = {}) {
  const u = new URL(`${oauth.oauthUrl}/authorize`)
  const params = {
    client_id: CLIENT.clientId,
    response_type: 'code',
    redirect_uri: CLIENT.redirectUris[0] ?? '',
    scope: 'read_content write_content',
    state: 'st-1',
    code_challenge: CHALLENGE,
    code_challenge_method: 'S256',
    ...extra,
  }
  for (const [k, v] of Object.entries(params)) if (v !== '') u.searchParams.set(k, v)
  return u
}

async function authorize(extra: Record<string, string> = {}) {
  const res = await fetch(authorizeUrl(extra), { redirect: 'manual' })
  const location = res.headers.get('location')
  return { status: res.status, location: location ? new URL(location) : undefined }
}

async function tokenCall(form: Record<string, string>) {
  const res = await fetch(`${oauth.oauthUrl}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret, ...form }),
  })
  return { status: res.status, json: (await res.json()) as Record<string, any> }
}

async function signInFlow(extra: Record<string, string> = {}) {
  const { location } = await authorize(extra)
  const code = location?.searchParams.get('code') ?? ''
  return tokenCall({
    grant_type: 'authorization_code',
    code,
    redirect_uri: CLIENT.redirectUris[0] ?? '',
    code_verifier: VERIFIER,
  })
}

const mapiCall = (path: string, token: string, method = 'GET', body?: unknown) =>
  fetch(mapi.url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })

describe('Storyblok OAuth simulator: authorize', () => {
  it('redirects back with code, state and space_id after consent', async () => {
    const { status, location } = await authorize()
    expect(status).toBe(302)
    expect(location?.origin + (location?.pathname ?? '')).toBe('http://app.test/cb')
    expect(location?.searchParams.get('state')).toBe('st-1')
    expect(location?.searchParams.get('space_id')).toBe(String(DEMO_SPACE_ID))
    expect(location?.searchParams.get('code')).toMatch(/^[\w-]{20,}$/)
  })

  it('never redirects to an unregistered redirect_uri or for an unknown client', async () => {
    expect(await authorize({ redirect_uri: 'http://evil.test/cb' })).toEqual({ status: 400, location: undefined })
    expect(await authorize({ client_id: 'nope' })).toEqual({ status: 400, location: undefined })
  })

  it('answers unknown scopes, a plain PKCE method and a refused consent with an error redirect', async () => {
    expect((await authorize({ scope: 'admin' })).location?.searchParams.get('error')).toBe('invalid_scope')
    const plain = await authorize({ code_challenge_method: 'plain' })
    expect(plain.location?.searchParams.get('error')).toBe('invalid_request')
    oauth.consent = 'deny'
    const denied = await authorize()
    expect(denied.location?.searchParams.get('error')).toBe('access_denied')
    expect(denied.location?.searchParams.get('state')).toBe('st-1')
    expect(denied.location?.searchParams.get('code')).toBeNull()
  })

  it('refuses a space the user is not a collaborator of', async () => {
    const { location } = await authorize({ space_id: '999' })
    expect(location?.searchParams.get('error')).toBe('access_denied')
  })
})

describe('Storyblok OAuth simulator: token and user info', () => {
  it('exchanges the code once for an 899 s access token and a refresh token', async () => {
    const { location } = await authorize()
    const form = {
      grant_type: 'authorization_code',
      code: location?.searchParams.get('code') ?? '',
      redirect_uri: CLIENT.redirectUris[0] ?? '',
      code_verifier: VERIFIER,
    }
    const first = await tokenCall(form)
    expect(first.status).toBe(200)
    expect(first.json).toMatchObject({ token_type: 'bearer', expires_in: 899, scope: 'read_content write_content' })
    expect(first.json['refresh_token']).toBeTypeOf('string')
    const again = await tokenCall(form)
    expect(again).toEqual({ status: 400, json: { error: 'invalid_grant' } })
  })

  it('checks PKCE, the redirect_uri and the client secret', async () => {
    const { location } = await authorize()
    const code = location?.searchParams.get('code') ?? ''
    const wrong = await tokenCall({
      grant_type: 'authorization_code',
      code,
      redirect_uri: CLIENT.redirectUris[0] ?? '',
      code_verifier: 'w'.repeat(50),
    })
    expect(wrong.json).toEqual({ error: 'invalid_grant', error_description: 'PKCE verification failed' })
    const { location: l2 } = await authorize()
    const uri = await tokenCall({
      grant_type: 'authorization_code',
      code: l2?.searchParams.get('code') ?? '',
      redirect_uri: 'http://app.test/other',
      code_verifier: VERIFIER,
    })
    expect(uri.json['error']).toBe('invalid_grant')
    expect((await tokenCall({ grant_type: 'refresh_token', refresh_token: 'x', client_secret: 'bad' })).status).toBe(
      401,
    )
  })

  it('user_info names the user, the one space and the roles', async () => {
    const { json } = await signInFlow()
    const res = await fetch(`${oauth.oauthUrl}/user_info`, {
      headers: { authorization: `Bearer ${json['access_token']}` },
    })
    expect(await res.json()).toEqual({
      user: { id: 4102, friendly_name: 'Erika Editor', email: 'erika@example.com' },
      space: { id: DEMO_SPACE_ID, name: 'Demo space' },
      roles: [{ name: 'Editor' }],
    })
  })

  it('the Management API accepts the token for its space, until it expires; a refresh gives a working one', async () => {
    const { json } = await signInFlow()
    const access = String(json['access_token'])
    expect((await mapiCall(HOME, access)).status).toBe(200)
    now += 899_000
    expect((await mapiCall(HOME, access)).status).toBe(401)
    const refreshed = await tokenCall({ grant_type: 'refresh_token', refresh_token: String(json['refresh_token']) })
    expect(refreshed.status).toBe(200)
    expect((await mapiCall(HOME, String(refreshed.json['access_token']))).status).toBe(200)
  })

  it('a revoked user loses both the access token and the refresh token', async () => {
    const { json } = await signInFlow()
    oauth.revoke(4102)
    expect((await mapiCall(HOME, String(json['access_token']))).status).toBe(401)
    const refreshed = await tokenCall({ grant_type: 'refresh_token', refresh_token: String(json['refresh_token']) })
    expect(refreshed.json['error']).toBe('invalid_grant')
  })
})

describe('Management API simulator: per-user permissions', () => {
  it("a user whose role may not change a content type gets Storyblok's 403; other stories save under their name", async () => {
    oauth.signIn(4104)
    const { json } = await signInFlow()
    const access = String(json['access_token'])
    const home = mapi.getStory(DEMO_SPACE_ID, DEMO_STORY_IDS.home)
    const put = await mapiCall(HOME, access, 'PUT', { story: { content: home?.content } })
    expect(put.status).toBe(403)
    const article = mapi.getStory(DEMO_SPACE_ID, DEMO_STORY_IDS.article)
    expect((await mapiCall(ARTICLE, access, 'PUT', { story: { content: article?.content } })).status).toBe(200)
    expect(mapi.getStory(DEMO_SPACE_ID, DEMO_STORY_IDS.article)?.last_author).toEqual({
      id: 4104,
      userid: 'user4104',
      friendly_name: 'Tom Translator',
    })
  })

  it('a read_content token may read but not write', async () => {
    const { json } = await signInFlow({ scope: 'read_content' })
    const access = String(json['access_token'])
    expect((await mapiCall(HOME, access)).status).toBe(200)
    const home = mapi.getStory(DEMO_SPACE_ID, DEMO_STORY_IDS.home)
    expect((await mapiCall(HOME, access, 'PUT', { story: { content: home?.content } })).status).toBe(403)
  })

  it('a token is bound to the space it was issued for', async () => {
    const { json } = await signInFlow()
    const res = await mapiCall('/v1/spaces/1234567/stories/611000099', String(json['access_token']))
    expect(res.status).toBe(403)
  })
})
