import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createStoryblok } from '../../proxy/adapters/storyblok.ts'
import { styleGuideText, truncateStyleGuide } from '../../proxy/story/styleGuideText.ts'
import { createLog } from '../../proxy/createLog.ts'
import { createStyleGuides } from '../../proxy/conversation/styleGuide.ts'
import {
  DEMO_PAT,
  DEMO_SLUGS,
  DEMO_SPACE_ID,
  DEMO_STORY_IDS,
  DEMO_UIDS,
  startStoryblokSimulator,
  type StoryblokSimulator,
} from '../../dev/simulators/storyblok.ts'

let sim: StoryblokSimulator
let now = 0
const clock = { now: () => now }
const guides = () =>
  createStyleGuides({
    storyblok: createStoryblok({ personalAccessToken: DEMO_PAT, baseUrl: sim.url, clock, rateLimit: false }),
    clock,
    log: createLog({ write: () => {} }),
    ttlMs: 60_000,
    maxChars: 8_000,
  })

beforeAll(async () => {
  sim = await startStoryblokSimulator({ rateLimitPerSecond: 1000 })
})
afterAll(async () => sim?.close())
beforeEach(() => {
  now = 1_000_000
  sim.clearRequests()
})

describe('brand style guide from a story', () => {
  it('reads the guide story as plain text, richtext included', async () => {
    const guide = await guides().load(DEMO_SPACE_ID, DEMO_SLUGS.brandVoice)
    expect(guide).toMatchObject({ status: 'ok', storyId: DEMO_STORY_IDS.brandVoice, truncated: false })
    if (guide.status !== 'ok') throw new Error('expected a guide')
    expect(guide.text).toContain('Friendly, direct and concrete.')
    expect(guide.text).toContain('No exclamation marks in headlines.')
    expect(guide.text).not.toContain(DEMO_UIDS.brandVoiceRoot)
  })

  it('serves the cached guide within the TTL without asking the Management API again', async () => {
    const g = guides()
    await g.load(DEMO_SPACE_ID, DEMO_SLUGS.brandVoice)
    const after = sim.requests.length
    expect(after).toBeGreaterThan(0)
    now += 30_000
    await g.load(DEMO_SPACE_ID, DEMO_SLUGS.brandVoice)
    expect(sim.requests.length).toBe(after)
  })

  it('picks up an edited guide once the cache expires', async () => {
    const g = guides()
    await g.load(DEMO_SPACE_ID, DEMO_SLUGS.brandVoice)
    sim.editField(
      DEMO_SPACE_ID,
      DEMO_STORY_IDS.brandVoice,
      DEMO_UIDS.brandVoiceRoot,
      'teaser',
      'Playful and bold. Emojis welcome.',
    )
    now += 61_000
    const guide = await g.load(DEMO_SPACE_ID, DEMO_SLUGS.brandVoice)
    expect(guide.status === 'ok' && guide.text).toContain('Playful and bold.')
  })

  it('reports a missing guide instead of failing', async () => {
    expect(await guides().load(DEMO_SPACE_ID, 'settings/no-such-guide')).toEqual({
      status: 'missing',
      slug: 'settings/no-such-guide',
    })
  })

  it('truncates an oversized guide with a visible note', async () => {
    const long = Array.from({ length: 400 }, (_, i) => `Rule ${i}: write clearly and kindly for every reader.`).join(
      '\n\n',
    )
    sim.editField(DEMO_SPACE_ID, DEMO_STORY_IDS.brandVoice, DEMO_UIDS.brandVoiceRoot, 'teaser', long)
    const guide = await guides().load(DEMO_SPACE_ID, DEMO_SLUGS.brandVoice)
    if (guide.status !== 'ok') throw new Error('expected a guide')
    expect(guide.truncated).toBe(true)
    expect([...guide.text].length).toBeLessThan(8_200)
    expect(guide.text).toMatch(/\[Style guide truncated: only the first \d+ of \d+ characters are shown\.\]$/)
  })
})

describe('styleGuideText', () => {
  it('skips ids, links and translations', () => {
    const text = styleGuideText({
      _uid: 'x',
      component: 'page',
      title: 'Tone',
      link: 'https://example.com',
      author: '0c0ffee0-0000-4000-8000-000000000001',
      title__i18n__de: 'Ton',
      body: [{ _uid: 'y', component: 'rule', text: 'Be kind.' }],
    })
    expect(text).toBe('Tone\n\nBe kind.')
  })

  it('leaves short guides alone', () => {
    expect(truncateStyleGuide('short', 10)).toEqual({ text: 'short', truncated: false })
  })
})
