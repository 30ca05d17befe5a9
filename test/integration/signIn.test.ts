/**
 * Sign in with Storyblok (issue 15) end to end: the proxy's /auth routes against the OAuth simulator, then reads and
 * writes with the editor's own token at the Management API simulator. The browser's part (following redirects and
 * keeping the login cookie) is played by fetch with `redirect: 'manual'`.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  DEMO_SPACE_ID,
  DEMO_STORY_IDS,
  DEMO_UIDS,
  OTHER_SPACE_ID,
  findBlock,
  storyblokDemoSeed,
} from '../../dev/simulators/storyblok.ts'
import { addPluginField, startWorld, TEST_PROXY_KEY, TEST_SESSION_SECRET, type World } from '../../dev/world.ts'
import { createSealer } from '../../proxy/session/sealed.ts'
import { SESSION_HEADER, type SessionInfo, type SignInMessage } from '../../shared/signInProtocol.ts'
import { tokenFor } from '../support/changeTokens.ts'

const PLUGIN_ORIGIN = 'http://127.0.0.1:5173'
const ERIKA = 4102
const TOM = 4104

/** The sign-in window: /auth/login → Storyblok's consent → /auth/callback, cookie carried like a browser would. */
async function signIn(world: World, { userId = ERIKA, tamper }: { userId?: number; tamper?: (u: URL) => void } = {}) {
  world.oauth?.signIn(userId)
  const login = await fetch(`${world.proxyUrl}/auth/login?origin=${encodeURIComponent(PLUGIN_ORIGIN)}`, {
    redirect: 'manual',
  })
  expect(login.status).toBe(302)
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
  const consent = await fetch(login.headers.get('location') ?? '', { redirect: 'manual' })
  const callback = new URL(consent.headers.get('location') ?? '')
  tamper?.(callback)
  const page = await fetch(callback, { headers: { cookie }, redirect: 'manual' })
  const html = await page.text()
  const json = /<script type="application\/json" id="sva">([^<]*)<\/script>/.exec(html)?.[1] ?? 'null'
  const data = JSON.parse(json) as { origin: string; message: SignInMessage } | null
  return { status: page.status, html, data, message: data?.message, loginCookie: login.headers.get('set-cookie') }
}

async function sessionOf(world: World, userId = ERIKA): Promise<string> {
  const { message } = await signIn(world, { userId })
  if (!message?.session) throw new Error(`no session: ${JSON.stringify(message)}`)
  return message.session
}

const headers = (session?: string, accept = 'application/json') => ({
  authorization: `Bearer ${TEST_PROXY_KEY}`,
  'content-type': 'application/json',
  accept,
  ...(session ? { [SESSION_HEADER]: session } : {}),
})

/** A change set with the token its proposal would carry: these tests are about who writes, not what. */
function applyBody(world: World, storyId: number, blockUid: string, field: string, after: string) {
  const before = findBlock(world.storyblok.getStory(DEMO_SPACE_ID, storyId)?.content, blockUid)?.[field]
  const changes = [{ blockUid, field, language: 'default', before, after }]
  return {
    spaceId: DEMO_SPACE_ID,
    storyId,
    changes,
    token: tokenFor(world.deps, changes, { spaceId: DEMO_SPACE_ID, storyId }),
  }
}
const apply = (world: World, body: unknown, session?: string) =>
  fetch(`${world.proxyUrl}/api/changes`, { method: 'POST', headers: headers(session), body: JSON.stringify(body) })
const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error

function reset(world: World) {
  for (const sp of storyblokDemoSeed().spaces) for (const s of sp.stories) world.storyblok.setStory(sp.spaceId, s)
  world.storyblok.rateLimitPerSecond = 1000
  world.storyblok.clearRequests()
  world.bedrock.reset()
}

describe('AUTH_MODE=oauth', () => {
  let world: World
  beforeAll(async () => {
    world = await startWorld({
      oauth: { mode: 'oauth' },
      env: { ALLOWED_ORIGINS: PLUGIN_ORIGIN },
      storyblok: { rateLimitPerSecond: 1000 },
    })
    addPluginField(world)
  })
  afterAll(async () => {
    await world?.close()
  })
  beforeEach(() => reset(world))

  it('signs in through the companion window and posts a sealed session to the plugin origin only', async () => {
    const { status, data, message, html, loginCookie } = await signIn(world)
    expect(status).toBe(200)
    expect(data?.origin).toBe(PLUGIN_ORIGIN)
    expect(message?.editor).toMatchObject({ id: ERIKA, name: 'Erika Editor', spaceId: DEMO_SPACE_ID })
    expect(loginCookie).toMatch(/HttpOnly/i)
    expect(loginCookie).toMatch(/SameSite=Lax/i)
    expect(loginCookie).toMatch(/Path=\/auth/)
    // The Storyblok tokens never reach the browser in the clear.
    for (const token of world.oauth?.issuedAccessTokens ?? []) expect(html).not.toContain(token)
    const info = await fetch(`${world.proxyUrl}/api/session`, { headers: headers(message?.session) })
    expect((await info.json()) as SessionInfo).toEqual({
      mode: 'oauth',
      editor: {
        id: ERIKA,
        name: 'Erika Editor',
        spaceId: DEMO_SPACE_ID,
        spaceName: 'Demo space',
        expiresAt: expect.any(Number),
      },
    })
  })

  it('sends state and an S256 PKCE challenge, and the callback refuses a different state (CSRF)', async () => {
    world.oauth?.requests.splice(0)
    const { status, message } = await signIn(world, { tamper: (u) => u.searchParams.set('state', 'forged') })
    expect(status).toBe(400)
    expect(message?.error?.code).toBe('signin_failed')
    const authorize = world.oauth?.requests.find((r) => r.path === '/oauth/authorize')
    expect(authorize?.query).toMatchObject({
      response_type: 'code',
      scope: 'read_content write_content',
      code_challenge_method: 'S256',
    })
    expect(authorize?.query['code_challenge']).toMatch(/^[\w-]{43}$/)
    expect(authorize?.query['state']).toMatch(/^[\w-]{20,}$/)
    // The forged callback never reached the token endpoint.
    expect(world.oauth?.requests.filter((r) => r.path === '/oauth/token')).toHaveLength(0)
  })

  it('refuses a callback without the login cookie of this browser, and a consent the editor refused', async () => {
    world.oauth?.signIn(ERIKA)
    const login = await fetch(`${world.proxyUrl}/auth/login?origin=${encodeURIComponent(PLUGIN_ORIGIN)}`, {
      redirect: 'manual',
    })
    const consent = await fetch(login.headers.get('location') ?? '', { redirect: 'manual' })
    const noCookie = await fetch(consent.headers.get('location') ?? '', { redirect: 'manual' })
    expect(noCookie.status).toBe(400)
    expect(await noCookie.text()).toContain('not started in this browser')

    if (world.oauth) world.oauth.consent = 'deny'
    try {
      const { message } = await signIn(world)
      expect(message?.error?.message).toBe('Storyblok sign-in was cancelled.')
    } finally {
      if (world.oauth) world.oauth.consent = 'allow'
    }
  })

  it('only starts a sign-in for an allowed plugin origin', async () => {
    const res = await fetch(`${world.proxyUrl}/auth/login?origin=${encodeURIComponent('https://evil.example')}`, {
      redirect: 'manual',
    })
    expect(res.status).toBe(400)
    expect(res.headers.get('location')).toBeNull()
  })

  it('writes as the signed-in editor: their token, their name on the save, the history and the audit', async () => {
    const session = await sessionOf(world)
    const body = {
      ...applyBody(world, DEMO_STORY_IDS.article, DEMO_UIDS.articleRoot, 'subheadline', 'Six lessons'),
      historyField: { blockUid: DEMO_UIDS.articleRoot, field: 'voice_assistant' },
      userId: 999, // what the plugin claims is ignored: the session's verified user wins
    }
    const res = await apply(world, body, session)
    expect(res.status).toBe(200)
    const saved = world.storyblok.getStory(DEMO_SPACE_ID, DEMO_STORY_IDS.article)
    expect(saved?.last_author).toEqual({ id: ERIKA, userid: `user${ERIKA}`, friendly_name: 'Erika Editor' })
    // The story's newest version is authored by that editor (the ledger reads authors from the versions).
    expect(world.storyblok.versions(DEMO_SPACE_ID, DEMO_STORY_IDS.article)[0]?.user).toMatchObject({
      id: ERIKA,
      friendly_name: 'Erika Editor',
    })
    const history = findBlock(saved?.content, DEMO_UIDS.articleRoot)?.['voice_assistant'] as {
      history: Array<{ userId: number; userName: string }>
    }
    expect(history.history.at(-1)).toMatchObject({ userId: ERIKA, userName: 'Erika Editor' })
    const put = world.storyblok.requestsTo('PUT').at(-1)
    expect(put?.auth).toBe('oauth')
    const audit = world.logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l['msg'] === 'story write')
    expect(audit.at(-1)).toMatchObject({ userId: ERIKA, userName: 'Erika Editor' })
  })

  it('the proxy key alone can no longer write or read stories', async () => {
    const res = await apply(world, applyBody(world, DEMO_STORY_IDS.home, DEMO_UIDS.hero, 'headline', 'No session'))
    expect(res.status).toBe(401)
    expect((await errorOf(res)).code).toBe('signin_required')
    expect(world.storyblok.requestsTo('PUT')).toHaveLength(0)
    expect(world.storyblok.requests).toHaveLength(0)
  })

  it("a role that may not change the content type gets Storyblok's 403 as “you don't have permission to change X”", async () => {
    const session = await sessionOf(world, TOM)
    const res = await apply(
      world,
      applyBody(world, DEMO_STORY_IDS.home, DEMO_UIDS.hero, 'headline', 'Tom was here'),
      session,
    )
    expect(res.status).toBe(403)
    const body = (await res.json()) as { error: { code: string; message: string }; permission: unknown }
    expect(body.error).toMatchObject({
      code: 'storyblok_forbidden',
      message: "You don't have permission to change “Home” in Storyblok.",
    })
    expect(body.permission).toEqual({ action: 'change', story: 'Home', contentType: 'default-page' })
    // The same editor may change an article.
    const ok = await apply(
      world,
      applyBody(world, DEMO_STORY_IDS.article, DEMO_UIDS.articleRoot, 'subheadline', 'Tom'),
      session,
    )
    expect(ok.status).toBe(200)
  })

  it('an expired access token is refreshed: the reply carries the renewed session, which works on its own', async () => {
    const session = await sessionOf(world)
    world.oauth?.expireAccessTokens()
    const res = await apply(
      world,
      applyBody(world, DEMO_STORY_IDS.home, DEMO_UIDS.hero, 'headline', 'Renewed'),
      session,
    )
    expect(res.status).toBe(200)
    const renewed = res.headers.get(SESSION_HEADER)
    expect(renewed).toMatch(/^v1\./)
    expect(renewed).not.toBe(session)
    expect(world.oauth?.requests.filter((r) => r.path === '/oauth/token').length).toBeGreaterThanOrEqual(2)
    const again = await apply(
      world,
      applyBody(world, DEMO_STORY_IDS.home, DEMO_UIDS.hero, 'headline', 'Again'),
      renewed ?? '',
    )
    expect(again.status).toBe(200)
    expect(again.headers.get(SESSION_HEADER)).toBeNull()
  })

  it('an access token past the expiry the proxy knows is renewed before the call', async () => {
    const sealer = createSealer(TEST_SESSION_SECRET, 'session')
    const inside = sealer.open(await sessionOf(world)) as { tokens: { expiresAt: number } }
    const stale = sealer.seal({ ...inside, tokens: { ...inside.tokens, expiresAt: Date.now() - 1 } })
    world.storyblok.clearRequests()
    const res = await apply(world, applyBody(world, DEMO_STORY_IDS.home, DEMO_UIDS.hero, 'headline', 'Early'), stale)
    expect(res.status).toBe(200)
    expect(res.headers.get(SESSION_HEADER)).toMatch(/^v1\./)
    // Renewed up front: no request with the old token reached Storyblok.
    expect(world.storyblok.requests.every((r) => r.status === 200)).toBe(true)
  })

  it('a revoked token (app removed, user removed) ends in signin_required, also after a failed refresh', async () => {
    const session = await sessionOf(world)
    world.oauth?.revoke(ERIKA)
    const res = await apply(
      world,
      applyBody(world, DEMO_STORY_IDS.home, DEMO_UIDS.hero, 'headline', 'Revoked'),
      session,
    )
    expect(res.status).toBe(401)
    expect(await errorOf(res)).toMatchObject({ code: 'signin_required' })
    world.oauth?.expireAccessTokens()
    const refresh = await apply(
      world,
      applyBody(world, DEMO_STORY_IDS.home, DEMO_UIDS.hero, 'headline', 'Revoked'),
      session,
    )
    expect((await errorOf(refresh)).code).toBe('signin_required')
  })

  it('an expired, altered or signed-out session is refused', async () => {
    const session = await sessionOf(world)
    const sealer = createSealer(TEST_SESSION_SECRET, 'session')
    const inside = sealer.open(session) as { expiresAt: number }
    const expired = sealer.seal({ ...inside, expiresAt: Date.now() - 1 })
    const body = applyBody(world, DEMO_STORY_IDS.home, DEMO_UIDS.hero, 'headline', 'x')
    expect((await errorOf(await apply(world, body, expired))).code).toBe('signin_required')
    const altered = session.slice(0, -4) + (session.endsWith('AAAA') ? 'BBBB' : 'AAAA')
    expect((await errorOf(await apply(world, body, altered))).code).toBe('signin_required')
    // A login cookie's sealed value never opens as a session (own key per purpose).
    const login = createSealer(TEST_SESSION_SECRET, 'login').seal(inside)
    expect((await errorOf(await apply(world, body, login))).code).toBe('signin_required')

    const out = await fetch(`${world.proxyUrl}/auth/logout`, { method: 'POST', headers: headers(session) })
    expect(await out.json()).toEqual({ signedOut: true })
    expect((await errorOf(await apply(world, body, session))).code).toBe('signin_required')
  })

  it('a session for one space cannot be used for another (foreign space)', async () => {
    const session = await sessionOf(world)
    const res = await apply(
      world,
      {
        spaceId: OTHER_SPACE_ID,
        storyId: DEMO_STORY_IDS.other,
        changes: [{ blockUid: DEMO_UIDS.otherRoot, field: 'title', before: null, after: 'x' }],
      },
      session,
    )
    expect(res.status).toBe(403)
    expect((await errorOf(res)).message).toContain(`signed in with Storyblok for space ${DEMO_SPACE_ID}`)
    expect(world.storyblok.requests).toHaveLength(0)
  })

  it('never logs the client secret, the session secret, a session or a Storyblok token', async () => {
    const session = await sessionOf(world)
    await apply(world, applyBody(world, DEMO_STORY_IDS.home, DEMO_UIDS.hero, 'headline', 'Logged?'), session)
    const logs = world.logs.join('\n')
    for (const secret of [
      world.config.auth.oauth?.clientSecret ?? 'x',
      TEST_SESSION_SECRET,
      session,
      ...(world.oauth?.issuedAccessTokens ?? []),
    ])
      expect(logs).not.toContain(secret)
  })
})

describe('AUTH_MODE=both', () => {
  let world: World
  beforeAll(async () => {
    world = await startWorld({
      oauth: { mode: 'both' },
      env: { ALLOWED_ORIGINS: PLUGIN_ORIGIN },
      storyblok: { rateLimitPerSecond: 1000 },
    })
  })
  afterAll(async () => {
    await world?.close()
  })
  beforeEach(() => reset(world))

  it('reads with the shared token without a sign-in, but writes only as a signed-in editor', async () => {
    const info = await fetch(`${world.proxyUrl}/api/session`, { headers: headers() })
    expect(await info.json()).toEqual({ mode: 'both', editor: null })
    const res = await fetch(`${world.proxyUrl}/api/conversation`, {
      method: 'POST',
      headers: headers(),
      body: JSON.stringify({
        spaceId: DEMO_SPACE_ID,
        storyId: DEMO_STORY_IDS.home,
        messages: [{ role: 'user', content: 'What is on this page?' }],
      }),
    })
    expect(res.status).toBe(200)
    const reads = world.storyblok.requestsTo('GET')
    expect(reads.length).toBeGreaterThan(0)
    expect(reads.every((r) => r.auth === 'pat')).toBe(true)

    const write = await apply(world, applyBody(world, DEMO_STORY_IDS.home, DEMO_UIDS.hero, 'headline', 'Shared?'))
    expect(write.status).toBe(401)
    expect(await errorOf(write)).toMatchObject({
      code: 'signin_required',
      message: expect.stringContaining('saved as you'),
    })
    expect(world.storyblok.requestsTo('PUT')).toHaveLength(0)

    const session = await sessionOf(world)
    const signedIn = await apply(
      world,
      applyBody(world, DEMO_STORY_IDS.home, DEMO_UIDS.hero, 'headline', 'As Erika'),
      session,
    )
    expect(signedIn.status).toBe(200)
    expect(world.storyblok.requestsTo('PUT').at(-1)?.auth).toBe('oauth')
    expect(world.storyblok.getStory(DEMO_SPACE_ID, DEMO_STORY_IDS.home)?.last_author?.id).toBe(ERIKA)
  })
})
