import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createStoryblok } from '../../proxy/adapters/storyblok.ts'
import { createStoryReads } from '../../proxy/conversation/createStoryReads.ts'
import { reply } from '../../dev/simulators/bedrock.ts'
import {
  DEMO_PAT,
  DEMO_SPACE_ID,
  DEMO_STORY_IDS,
  DEMO_UIDS,
  startStoryblokSimulator,
  type StoryblokSimulator,
} from '../../dev/simulators/storyblok.ts'
import { readSse } from '../support/sse.ts'
import { startWorld, type World } from '../../dev/world.ts'

const storyGets = (sim: StoryblokSimulator) =>
  sim.requestsTo('GET', new RegExp(`/stories/${DEMO_STORY_IDS.home}$`)).length

describe('story reads shared between conversation turns', () => {
  let world: World
  beforeAll(async () => {
    // The longest allowed window: on a loaded CI machine 20 turns may take longer than a few seconds to arrive.
    world = await startWorld({ env: { STORY_READ_CACHE_MS: '60000' } })
  })
  afterAll(async () => world?.close())

  it('serves 20 concurrent turns on one story with one Management API read', async () => {
    world.storyblok.clearRequests()
    world.bedrock.setScriptFn(() => reply.text('Sure.'))
    const turns = Array.from({ length: 20 }, () =>
      fetch(`${world.proxyUrl}/api/conversation`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${world.proxyKey}` },
        body: JSON.stringify({
          spaceId: DEMO_SPACE_ID,
          storyId: DEMO_STORY_IDS.home,
          messages: [{ role: 'user', content: 'Shorten the intro' }],
        }),
      }).then(readSse),
    )
    const results = await Promise.all(turns)
    expect(results.every((events) => events.at(-1)?.event === 'done' && !events.some((e) => e.event === 'error'))).toBe(
      true,
    )
    expect(storyGets(world.storyblok)).toBe(1)
    // Every turn still saw the story: its outline reached Claude.
    expect(world.bedrock.requests.filter((r) => JSON.stringify(r.body.system).includes(DEMO_UIDS.hero))).toHaveLength(
      20,
    )
  })
})

describe('createStoryReads', () => {
  let sim: StoryblokSimulator
  let now = 0
  const clock = { now: () => now }
  beforeAll(async () => {
    sim = await startStoryblokSimulator({ rateLimitPerSecond: 1000 })
  })
  afterAll(async () => sim?.close())
  beforeEach(() => {
    now = 0
    sim.clearRequests()
  })
  const reads = () =>
    createStoryReads({
      storyblok: createStoryblok({ personalAccessToken: DEMO_PAT, baseUrl: sim.url, clock, rateLimit: false }),
      clock,
      ttlMs: 2000,
    })

  it('reads again once the copy is older than the TTL, and sees a human edit then', async () => {
    const r = reads()
    await r.get(DEMO_SPACE_ID, DEMO_STORY_IDS.home, new AbortController().signal)
    sim.editField(DEMO_SPACE_ID, DEMO_STORY_IDS.home, DEMO_UIDS.hero, 'headline', 'Edited by a human')
    now = 2500
    const story = await r.get(DEMO_SPACE_ID, DEMO_STORY_IDS.home, new AbortController().signal)
    expect(storyGets(sim)).toBe(2)
    expect(JSON.stringify(story.content)).toContain('Edited by a human')
  })

  it('lets one caller cancel without failing the others sharing the read', async () => {
    const r = reads()
    sim.faults.latencyMs = 100
    try {
      const cancelled = new AbortController()
      const first = r.get(DEMO_SPACE_ID, DEMO_STORY_IDS.home, cancelled.signal)
      const second = r.get(DEMO_SPACE_ID, DEMO_STORY_IDS.home, new AbortController().signal)
      cancelled.abort(new Error('editor cancelled'))
      await expect(first).rejects.toThrow('editor cancelled')
      await expect(second).resolves.toMatchObject({ id: DEMO_STORY_IDS.home })
      expect(storyGets(sim)).toBe(1)
    } finally {
      sim.faults.latencyMs = 0
    }
  })
})
