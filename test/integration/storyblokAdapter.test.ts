import { inspect } from 'node:util'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createStoryblok, type CreateStoryblokOptions } from '../../proxy/adapters/storyblok.ts'
import { AppError } from '../../proxy/http/appError.ts'
import type { Blok } from '../../proxy/deps.ts'
import {
  DEMO_OAUTH_TOKEN,
  DEMO_PAT,
  DEMO_SPACE_ID,
  DEMO_STORY_IDS,
  DEMO_UIDS,
  DEMO_USERS,
  OTHER_SPACE_ID,
  findBlock,
  startStoryblokSimulator,
  type StoryblokSimulator,
} from '../../dev/simulators/storyblok.ts'

const SPACE = DEMO_SPACE_ID
const HOME = DEMO_STORY_IDS.home
const STORY_PATH = `/v1/spaces/${SPACE}/stories/${HOME}`

let sim: StoryblokSimulator
beforeEach(async () => {
  sim = await startStoryblokSimulator()
})
afterEach(async () => {
  await sim.close()
})

/** Fast retries so fault cases finish quickly; the policy itself (limit 3) is the default. */
const adapter = (o: Partial<CreateStoryblokOptions> = {}) =>
  createStoryblok({ personalAccessToken: DEMO_PAT, baseUrl: sim.url, retry: { baseDelayMs: 5 }, ...o })

async function failure(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(AppError)
  const appErr = err as AppError
  const everything =
    inspect(appErr, { depth: 10 }) + JSON.stringify({ ...appErr, hint: appErr.hint, message: appErr.message })
  expect(everything).not.toContain(DEMO_PAT)
  expect(everything).not.toContain(DEMO_OAUTH_TOKEN)
  return appErr
}

function withHeroHeadline(content: Blok, headline: string): Blok {
  const copy = structuredClone(content)
  const hero = findBlock(copy, DEMO_UIDS.hero)
  if (!hero) throw new Error('seed has no hero')
  hero.headline = headline
  return copy
}

describe('Storyblok adapter: authentication', () => {
  it('sends a personal access token bare, and the simulator accepts it', async () => {
    const story = await adapter().getStory(SPACE, HOME)
    expect(story.content.component).toBe('default-page')
    expect(sim.requests.map((r) => [r.auth, r.status])).toEqual([['pat', 200]])
  })

  it('sends an OAuth token as Bearer, and the simulator accepts it', async () => {
    const story = await adapter({ personalAccessToken: undefined, oauthToken: DEMO_OAUTH_TOKEN }).getStory(SPACE, HOME)
    expect(story.id).toBe(HOME)
    expect(sim.requests.map((r) => [r.auth, r.status])).toEqual([['oauth', 200]])
  })

  it('maps 401 to storyblok_unauthorized with a hint naming STORYBLOK_TOKEN, without the token', async () => {
    // A PAT configured as an OAuth token goes out as "Bearer <pat>", which Storyblok refuses.
    const err = await failure(adapter({ personalAccessToken: undefined, oauthToken: DEMO_PAT }).getStory(SPACE, HOME))
    expect(err.code).toBe('storyblok_unauthorized')
    expect(err.hint).toContain('STORYBLOK_TOKEN')
    expect(sim.requests).toHaveLength(1) // not retried
  })

  it('maps 403 (token not allowed for the space) to storyblok_forbidden', async () => {
    const err = await failure(adapter().getStory(OTHER_SPACE_ID, DEMO_STORY_IDS.other))
    expect(err.code).toBe('storyblok_forbidden')
    expect(err.hint).toMatch(/scope|space/)
  })

  it('answers not_configured without a token and sends nothing', async () => {
    const err = await failure(createStoryblok({ baseUrl: sim.url }).getStory(SPACE, HOME))
    expect(err.code).toBe('not_configured')
    expect(err.hint).toContain('STORYBLOK_TOKEN')
    expect(sim.requests).toHaveLength(0)
  })
})

describe('Storyblok adapter: stories', () => {
  it('reads the draft, writes it back with one PUT and the simulator holds the new value', async () => {
    const sb = adapter()
    const before = await sb.getStory(SPACE, HOME)
    const saved = await sb.updateStory(SPACE, HOME, withHeroHeadline(before.content, 'Ship content faster'))
    expect(findBlock(saved.content, DEMO_UIDS.hero)?.headline).toBe('Ship content faster')
    expect(saved.updated_at > before.updated_at).toBe(true)
    expect(saved['current_version_id']).toBe(Number(before['current_version_id']) + 1)
    const stored = sim.getStory(SPACE, HOME)
    expect(findBlock(stored?.content, DEMO_UIDS.hero)?.headline).toBe('Ship content faster')
    expect(findBlock(stored?.content, DEMO_UIDS.faqItem2)).toEqual(findBlock(before.content, DEMO_UIDS.faqItem2))
    expect(stored?.published).toBe(true) // publish:false does not unpublish
    expect(stored?.unpublished_changes).toBe(true)
    expect(sim.requests.map((r) => r.method)).toEqual(['GET', 'PUT'])
    expect(sim.requestsTo('PUT')[0]?.body).toEqual({ story: { content: stored?.content } })
  })

  it('publishes only when asked', async () => {
    const sb = adapter()
    const before = await sb.getStory(SPACE, DEMO_STORY_IDS.brandVoice)
    expect(sim.getStory(SPACE, DEMO_STORY_IDS.brandVoice)?.published).toBe(false)
    await sb.updateStory(SPACE, DEMO_STORY_IDS.brandVoice, before.content, { publish: true })
    expect(sim.getStory(SPACE, DEMO_STORY_IDS.brandVoice)?.published).toBe(true)
  })

  it('finds a story by full slug, and returns null for a missing one', async () => {
    const sb = adapter()
    const guide = await sb.findStoryBySlug(SPACE, '/settings/brand-voice/')
    expect(guide?.id).toBe(DEMO_STORY_IDS.brandVoice)
    expect(guide?.content['teaser']).toContain('Friendly')
    expect(await sb.findStoryBySlug(SPACE, 'settings/nothing-here')).toBeNull()
  })

  it('maps an unknown story to storyblok_not_found with a region hint', async () => {
    const err = await failure(adapter().getStory(SPACE, 999))
    expect(err.code).toBe('storyblok_not_found')
    expect(err.hint).toContain('"eu"')
  })
})

describe('Storyblok adapter: component schema cache', () => {
  it('serves the second getComponents from cache and reloads after the TTL', async () => {
    let now = 1_000_000
    const sb = adapter({ clock: { now: () => now }, schemaTtlMs: 60_000 })
    const first = await sb.getComponents(SPACE)
    expect(first).toHaveLength(31)
    expect(first.find((c) => c.name === 'price-card')?.schema['price']?.type).toBe('number')
    await sb.getComponents(SPACE)
    expect(sim.requestsTo('GET', '/components')).toHaveLength(1)
    now += 60_001
    await sb.getComponents(SPACE)
    expect(sim.requestsTo('GET', '/components')).toHaveLength(2)
  })

  it('does not cache a failed load', async () => {
    const sb = adapter({ retry: { limit: 0 } })
    sim.faults.next({ type: 'status', status: 503 })
    await failure(sb.getComponents(SPACE))
    expect(await sb.getComponents(SPACE)).toHaveLength(31)
  })

  it('keeps an apply at one GET + one PUT once the cache is warm', async () => {
    const sb = adapter()
    await sb.getComponents(SPACE)
    sim.clearRequests()
    await sb.getComponents(SPACE)
    const story = await sb.getStory(SPACE, HOME)
    await sb.updateStory(SPACE, HOME, withHeroHeadline(story.content, 'Warm cache'))
    expect(sim.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET ${STORY_PATH}`, `PUT ${STORY_PATH}`])
  })
})

describe('Storyblok adapter: rate limits', () => {
  it('absorbs a burst of 10 reads against a 6 req/s limit', async () => {
    // The simulator's clock starts at a window boundary, so the burst cannot straddle two windows.
    const t0 = performance.now()
    const limited = await startStoryblokSimulator({ now: () => 1_800_000_000_000 + (performance.now() - t0) })
    try {
      // No client-side throttle and default backoff: Storyblok's own limit has to bite and be absorbed.
      const sb = createStoryblok({ personalAccessToken: DEMO_PAT, baseUrl: limited.url, rateLimit: false })
      const stories = await Promise.all(Array.from({ length: 10 }, () => sb.getStory(SPACE, HOME)))
      expect(stories.every((s) => s.id === HOME)).toBe(true)
      expect(limited.requests.filter((r) => r.status === 429).length).toBeGreaterThan(0)
    } finally {
      await limited.close()
    }
  })

  it('retries a rate-limited PUT and saves once', async () => {
    const sb = adapter()
    const story = await sb.getStory(SPACE, HOME)
    sim.faults.next({ type: 'status', status: 429 }, { method: 'PUT', times: 2 })
    await sb.updateStory(SPACE, HOME, withHeroHeadline(story.content, 'After 429'))
    expect(sim.requestsTo('PUT').map((r) => r.status)).toEqual([429, 429, 200])
    expect(findBlock(sim.getStory(SPACE, HOME)?.content, DEMO_UIDS.hero)?.headline).toBe('After 429')
  })

  it('gives up with storyblok_rate_limited after 3 retries', async () => {
    sim.faults.next({ type: 'status', status: 429 }, { times: 10 })
    const err = await failure(adapter().getStory(SPACE, HOME))
    expect(err.code).toBe('storyblok_rate_limited')
    expect(err.status).toBe(429)
    expect(err.retryAfterSeconds).toBeGreaterThanOrEqual(1)
    expect(sim.requests).toHaveLength(4)
  })

  it('does not wait out a Retry-After beyond its time budget and reports it', async () => {
    sim.faults.next({ type: 'status', status: 429, retryAfterSeconds: 30 }, { times: 10 })
    const err = await failure(adapter().getStory(SPACE, HOME))
    expect(err.code).toBe('storyblok_rate_limited')
    expect(err.retryAfterSeconds).toBe(30)
    expect(sim.requests).toHaveLength(1)
  })
})

describe('Storyblok adapter: rejected writes', () => {
  it('maps a 422 (number field sent as a JSON number) to storyblok_rejected with field messages', async () => {
    const sb = adapter()
    const story = await sb.getStory(SPACE, HOME)
    const content = structuredClone(story.content)
    const card = findBlock(content, DEMO_UIDS.priceBusiness)
    if (card) card.price = 79
    const err = await failure(sb.updateStory(SPACE, HOME, content))
    expect(err.code).toBe('storyblok_rejected')
    expect(err.details?.['problems']).toEqual([
      { field: 'price', message: "must be a string with numbers and allow '-' and '.'" },
    ])
    expect(sim.requestsTo('PUT')).toHaveLength(1)
    expect(sim.getStory(SPACE, HOME)?.updated_at).toBe(story.updated_at)
  })

  it('maps a nestable root to storyblok_rejected', async () => {
    const err = await failure(adapter().updateStory(SPACE, HOME, { _uid: 'x', component: 'hero-section' }))
    expect(err.code).toBe('storyblok_rejected')
    expect(err.message).toContain('content type')
  })

  it('refuses a story over 5 MB without sending it', async () => {
    const sb = adapter()
    const story = await sb.getStory(SPACE, HOME)
    const huge = {
      ...story.content,
      body: [{ _uid: 'big', component: 'text-section', lead: 'x'.repeat(5 * 1024 * 1024) }],
    }
    const err = await failure(sb.updateStory(SPACE, HOME, huge))
    expect(err.code).toBe('story_too_large')
    expect(sim.requestsTo('PUT')).toHaveLength(0)
  })
})

describe('Storyblok adapter: upstream failures', () => {
  it('retries a read after 500 and 503', async () => {
    sim.faults.next({ type: 'status', status: 500 })
    sim.faults.next({ type: 'status', status: 503 })
    expect((await adapter().getStory(SPACE, HOME)).id).toBe(HOME)
    expect(sim.requests.map((r) => r.status)).toEqual([500, 503, 200])
  })

  it('maps a persisting 503 to storyblok_unavailable', async () => {
    sim.faults.next({ type: 'status', status: 503 }, { times: 10 })
    const err = await failure(adapter().getStory(SPACE, HOME))
    expect(err.code).toBe('storyblok_unavailable')
    expect(sim.requests).toHaveLength(4)
  })

  it('does not repeat a PUT after a 500 and says the change was not saved', async () => {
    const sb = adapter()
    const story = await sb.getStory(SPACE, HOME)
    sim.faults.next({ type: 'status', status: 500 }, { method: 'PUT' })
    const err = await failure(sb.updateStory(SPACE, HOME, withHeroHeadline(story.content, 'Lost')))
    expect(err.code).toBe('storyblok_unavailable')
    expect(err.hint).toContain('not saved')
    expect(sim.requestsTo('PUT')).toHaveLength(1)
    expect(sim.getStory(SPACE, HOME)?.content).toEqual(story.content)
  })

  it('recognises a write that landed although Storyblok answered 500', async () => {
    const sb = adapter()
    const story = await sb.getStory(SPACE, HOME)
    sim.faults.next({ type: 'status', status: 500, afterWrite: true }, { method: 'PUT' })
    const saved = await sb.updateStory(SPACE, HOME, withHeroHeadline(story.content, 'Landed'))
    expect(findBlock(saved.content, DEMO_UIDS.hero)?.headline).toBe('Landed')
    expect(sim.requestsTo('PUT')).toHaveLength(1)
  })

  it('maps a hanging Storyblok to upstream_timeout', async () => {
    sim.faults.next({ type: 'hang' }, { times: 10 })
    const err = await failure(adapter({ timeoutMs: 150, retry: { limit: 1, baseDelayMs: 5 } }).getStory(SPACE, HOME))
    expect(err.code).toBe('upstream_timeout')
    expect(sim.requests).toHaveLength(2)
  })

  it('maps a slow Storyblok to upstream_timeout', async () => {
    sim.faults.latencyMs = 400
    const err = await failure(adapter({ timeoutMs: 100, retry: { limit: 0 } }).getStory(SPACE, HOME))
    expect(err.code).toBe('upstream_timeout')
  })

  it('retries a read after a connection reset', async () => {
    sim.faults.next({ type: 'reset' })
    expect((await adapter().getStory(SPACE, HOME)).id).toBe(HOME)
    expect(sim.requests.map((r) => r.status)).toEqual([-1, 200])
  })

  it('maps persisting connection resets to storyblok_unavailable', async () => {
    sim.faults.next({ type: 'reset' }, { times: 10 })
    const err = await failure(adapter().getStory(SPACE, HOME))
    expect(err.code).toBe('storyblok_unavailable')
  })

  it('recognises a write that landed before the connection was reset', async () => {
    const sb = adapter()
    const story = await sb.getStory(SPACE, HOME)
    sim.faults.next({ type: 'reset', afterWrite: true }, { method: 'PUT' })
    const saved = await sb.updateStory(SPACE, HOME, withHeroHeadline(story.content, 'Reset but saved'))
    expect(findBlock(saved.content, DEMO_UIDS.hero)?.headline).toBe('Reset but saved')
  })

  it('leaves the story untouched when the PUT connection is reset before saving', async () => {
    const sb = adapter()
    const story = await sb.getStory(SPACE, HOME)
    sim.faults.next({ type: 'reset' }, { method: 'PUT' })
    const err = await failure(sb.updateStory(SPACE, HOME, withHeroHeadline(story.content, 'Never')))
    expect(err.code).toBe('storyblok_unavailable')
    expect(sim.getStory(SPACE, HOME)?.content).toEqual(story.content)
  })

  it('stops when the caller aborts', async () => {
    sim.faults.next({ type: 'hang' })
    const ctl = new AbortController()
    const pending = adapter().getStory(SPACE, HOME, ctl.signal)
    setTimeout(() => ctl.abort(new Error('client went away')), 50)
    await expect(pending).rejects.toThrow('client went away')
  })
})

describe('Storyblok adapter: versions, releases, locks', () => {
  it('lists the story versions newest first, with author and (when asked) content', async () => {
    const sb = adapter()
    const before = await sb.getStory(SPACE, HOME)
    const saved = await sb.updateStory(SPACE, HOME, withHeroHeadline(before.content, 'Via the API'))
    const versions = await sb.listVersions(SPACE, HOME, { perPage: 5, showContent: true })
    expect(versions.map((x) => x.id)).toEqual([saved.current_version_id, before.current_version_id])
    expect(versions[0]).toMatchObject({ author: DEMO_USERS.token.friendly_name, userId: DEMO_USERS.token.id })
    expect(findBlock(versions[0]?.content, DEMO_UIDS.hero)?.headline).toBe('Via the API')
    const bare = await sb.listVersions(SPACE, HOME)
    expect(bare[0]?.content).toBeUndefined()
    expect(sim.requestsTo('GET', /story_versions$/).map((r) => r.query)).toEqual([
      { by_story_id: String(HOME), per_page: '5', show_content: 'true' },
      { by_story_id: String(HOME), per_page: '25' },
    ])
  })

  it('reads and writes a release with release_id; the main draft is untouched', async () => {
    const release = sim.createRelease(SPACE, 'Autumn')
    const sb = adapter()
    const before = await sb.getStory(SPACE, HOME, undefined, { releaseId: release.id })
    await sb.updateStory(SPACE, HOME, withHeroHeadline(before.content, 'Autumn headline'), { releaseId: release.id })
    expect(findBlock(sim.getStory(SPACE, HOME, { releaseId: release.id })?.content, DEMO_UIDS.hero)?.headline).toBe(
      'Autumn headline',
    )
    expect(findBlock(sim.getStory(SPACE, HOME)?.content, DEMO_UIDS.hero)?.headline).not.toBe('Autumn headline')
    expect(sim.requestsTo('GET', STORY_PATH)[0]?.query).toEqual({ release_id: String(release.id) })
    expect(sim.requestsTo('PUT')[0]?.body).toMatchObject({ release_id: release.id })
  })

  it('a story locked by another user → story_locked, one PUT, never force_update', async () => {
    sim.lockStory(SPACE, HOME, DEMO_USERS.colleague)
    const sb = adapter()
    const before = await sb.getStory(SPACE, HOME)
    const err = await failure(sb.updateStory(SPACE, HOME, withHeroHeadline(before.content, 'Locked out')))
    expect(err.code).toBe('story_locked')
    expect(err.hint).toMatch(/proposal is kept/)
    expect(sim.requestsTo('PUT')).toHaveLength(1)
    expect(JSON.stringify(sim.requestsTo('PUT')[0]?.body)).not.toContain('force_update')
  })
})
