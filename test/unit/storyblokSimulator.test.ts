import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  DEMO_OAUTH_TOKEN,
  DEMO_PAT,
  DEMO_SPACE_ID,
  DEMO_STORY_IDS,
  DEMO_UIDS,
  OTHER_SPACE_ID,
  findBlock,
  startStoryblokSimulator,
  storyblokDemoSeed,
  type StoryblokSimulator,
} from '../../dev/simulators/storyblok.ts'

const HOME = `/v1/spaces/${DEMO_SPACE_ID}/stories/${DEMO_STORY_IDS.home}`

let sim: StoryblokSimulator
let now = Date.UTC(2026, 10, 25, 12, 0, 0)
beforeEach(async () => {
  now = Date.UTC(2026, 10, 25, 12, 0, 0)
  sim = await startStoryblokSimulator({ now: () => now })
})
afterEach(async () => {
  await sim.close()
})

async function call(
  path: string,
  { auth = DEMO_PAT as string | null, method = 'GET', body = undefined as unknown } = {},
) {
  const res = await fetch(sim.url + path, {
    method,
    headers: { ...(auth === null ? {} : { authorization: auth }), 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await res.text()
  return {
    status: res.status,
    headers: res.headers,
    json: text ? (JSON.parse(text) as Record<string, any>) : undefined,
  }
}

describe('Storyblok simulator: seed', () => {
  it('holds the 31 demo components and the seeded stories', () => {
    const seed = storyblokDemoSeed()
    const space = seed.spaces.find((s) => s.spaceId === DEMO_SPACE_ID)
    expect(space?.components).toHaveLength(31)
    const home = space?.stories.find((s) => s.id === DEMO_STORY_IDS.home)
    expect(findBlock(home?.content, DEMO_UIDS.faq)?.['entries']).toHaveLength(3)
    expect(findBlock(home?.content, DEMO_UIDS.priceBusiness)?.['price']).toBe('99')
    expect(findBlock(home?.content, DEMO_UIDS.hero)?.['headline__i18n__de']).toBeTypeOf('string')
    const hero = space?.components.find((c) => c.name === 'hero-section')
    expect(hero?.schema['headline']?.translatable).toBe(true)
  })
})

describe('Storyblok simulator: auth', () => {
  it('accepts a bare personal access token and a Bearer OAuth token', async () => {
    expect((await call(HOME, { auth: DEMO_PAT })).status).toBe(200)
    expect((await call(HOME, { auth: `Bearer ${DEMO_OAUTH_TOKEN}` })).status).toBe(200)
    expect(sim.requests.map((r) => r.auth)).toEqual(['pat', 'oauth'])
  })

  it('answers 401 {"error":"Unauthorized"} for a missing token or the wrong header form', async () => {
    for (const auth of [null, `Bearer ${DEMO_PAT}`, DEMO_OAUTH_TOKEN, 'nonsense']) {
      const res = await call(HOME, { auth })
      expect(res.status).toBe(401)
      expect(res.json).toEqual({ error: 'Unauthorized' })
    }
  })

  it('answers 403 {"message":"Forbidden"} for a space the token may not use', async () => {
    const res = await call(`/v1/spaces/${OTHER_SPACE_ID}/stories/${DEMO_STORY_IDS.other}`)
    expect(res).toMatchObject({ status: 403, json: { message: 'Forbidden' } })
  })

  it('never records the token', async () => {
    await call(HOME)
    expect(JSON.stringify(sim.requests)).not.toContain(DEMO_PAT)
  })
})

describe('Storyblok simulator: rate limit', () => {
  it("answers the 7th request in one second with Storyblok's 429 body", async () => {
    const statuses = []
    for (let i = 0; i < 7; i++) statuses.push((await call(HOME)).status)
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429])
    const res = await call(HOME)
    expect(res.json).toEqual({ error: 'Rate limit of 6 request per second reached. Retry later.' })
    expect(res.headers.get('retry-after')).toBeNull()
    now += 1000
    expect((await call(HOME)).status).toBe(200)
  })

  it('sends Retry-After when configured', async () => {
    sim.rateLimitPerSecond = 1
    sim.rateLimitRetryAfterSeconds = 2
    await call(HOME)
    const res = await call(HOME)
    expect(res.status).toBe(429)
    expect(res.headers.get('retry-after')).toBe('2')
  })
})

describe('Storyblok simulator: stories', () => {
  it('saves a PUT with a strictly newer updated_at and the next version, publish in body or query', async () => {
    const { json } = await call(HOME)
    const content = json?.['story'].content
    const first = await call(HOME, { method: 'PUT', body: { story: { content } } })
    const second = await call(`${HOME}?publish=1`, { method: 'PUT', body: { story: { content } } })
    const third = await call(HOME, { method: 'PUT', body: { story: { content }, publish: 1, force_update: '1' } })
    const versions = [json, first.json, second.json, third.json].map((j) => j?.['story'].current_version_id)
    expect(versions).toEqual([versions[0], versions[0] + 1, versions[0] + 2, versions[0] + 3])
    const stamps = [json, first.json, second.json, third.json].map((j) => j?.['story'].updated_at)
    expect([...stamps].sort()).toEqual(stamps) // same frozen clock, still strictly increasing
    expect(new Set(stamps).size).toBe(4)
    expect(first.json?.['story'].unpublished_changes).toBe(true)
    expect(second.json?.['story'].unpublished_changes).toBe(false)
    expect(sim.requestsTo('PUT').map((r) => r.query)).toEqual([{}, { publish: '1' }, {}])
  })

  it('rejects JSON numbers in number fields, a nestable root and a story over 5 MB with 422', async () => {
    const versionBefore = sim.getStory(DEMO_SPACE_ID, DEMO_STORY_IDS.home)?.current_version_id
    const content = structuredClone(sim.getStory(DEMO_SPACE_ID, DEMO_STORY_IDS.home)?.content)
    const card = findBlock(content, DEMO_UIDS.priceStarter)
    if (card) card.price = 5
    const numberRes = await call(HOME, { method: 'PUT', body: { story: { content } } })
    expect(numberRes).toMatchObject({
      status: 422,
      json: { price: ["must be a string with numbers and allow '-' and '.'"] },
    })
    const rootRes = await call(HOME, {
      method: 'PUT',
      body: { story: { content: { _uid: 'a', component: 'grid-card' } } },
    })
    expect(rootRes.status).toBe(422)
    const big = {
      _uid: 'a',
      component: 'default-page',
      body: [{ _uid: 'b', component: 'text-section', lead: 'x'.repeat(5 * 1024 * 1024) }],
    }
    const bigRes = await call(HOME, { method: 'PUT', body: { story: { content: big } } })
    expect(bigRes.status).toBe(422)
    expect(sim.getStory(DEMO_SPACE_ID, DEMO_STORY_IDS.home)?.current_version_id).toBe(versionBefore)
    expect(sim.requestsTo('PUT').map((r) => r.status)).toEqual([422, 422, 422])
  })

  it('lists stories by slug without content, and 404s unknown stories', async () => {
    const list = await call(`/v1/spaces/${DEMO_SPACE_ID}/stories?with_slug=settings/brand-voice`)
    expect(list.json?.['stories'].map((s: { id: number }) => s.id)).toEqual([DEMO_STORY_IDS.brandVoice])
    expect(list.json?.['stories'][0].content).toBeUndefined()
    const wild = await call(`/v1/spaces/${DEMO_SPACE_ID}/stories?by_slugs=settings/*`)
    expect(wild.json?.['stories']).toHaveLength(1)
    expect((await call(`/v1/spaces/${DEMO_SPACE_ID}/stories/42`)).status).toBe(404)
  })

  it('applies a human edit right after the next GET (conflict between read and write)', async () => {
    sim.faults.afterNextGet(DEMO_SPACE_ID, DEMO_STORY_IDS.home, (content) => {
      const hero = findBlock(content, DEMO_UIDS.hero)
      if (hero) hero.headline = 'Edited by a human'
    })
    const read = await call(HOME)
    expect(findBlock(read.json?.['story'].content, DEMO_UIDS.hero)?.headline).not.toBe('Edited by a human')
    const reread = await call(HOME)
    expect(findBlock(reread.json?.['story'].content, DEMO_UIDS.hero)?.headline).toBe('Edited by a human')
    expect(reread.json?.['story'].updated_at > read.json?.['story'].updated_at).toBe(true)
  })

  it('editField simulates a saved human edit', () => {
    const before = sim.getStory(DEMO_SPACE_ID, DEMO_STORY_IDS.home)
    const after = sim.editField(DEMO_SPACE_ID, DEMO_STORY_IDS.home, DEMO_UIDS.faqItem2, 'description', 'Any.')
    expect(findBlock(after.content, DEMO_UIDS.faqItem2)?.['description']).toBe('Any.')
    expect(after.current_version_id).toBe((before?.current_version_id ?? 0) + 1)
  })
})
