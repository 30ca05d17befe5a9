import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { reply } from '../../dev/simulators/bedrock.ts'
import { DEMO_SLUGS, DEMO_SPACE_ID, DEMO_STORY_IDS, DEMO_UIDS } from '../../dev/simulators/storyblok.ts'
import { readSse } from '../support/sse.ts'
import { startWorld, type World } from '../../dev/world.ts'

let world: World
const ask = (extra: Record<string, unknown> = {}) =>
  fetch(`${world.proxyUrl}/api/conversation`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${world.proxyKey}` },
    body: JSON.stringify({
      spaceId: DEMO_SPACE_ID,
      storyId: DEMO_STORY_IDS.home,
      messages: [{ role: 'user', content: 'Write the hero headline' }],
      ...extra,
    }),
  }).then(readSse)
const guideReads = () =>
  world.storyblok.requestsTo('GET', /\/stories(\?|$)/).filter((r) => JSON.stringify(r.query).includes('brand-voice'))
    .length
const heroChange = () =>
  reply.toolUse(
    'propose_changes',
    { changes: [{ blockUid: DEMO_UIDS.hero, field: 'headline', value: 'Content that moves with you' }] },
    { preface: 'Here you go.' },
  )

beforeAll(async () => {
  world = await startWorld({
    env: { STYLE_GUIDE_STORY: DEMO_SLUGS.brandVoice, STYLE_GUIDE_FOLDER: 'settings', SCHEMA_CACHE_TTL_SECONDS: '300' },
  })
})
afterAll(async () => world?.close())
beforeEach(() => {
  world.bedrock.reset()
  world.storyblok.clearRequests()
})

describe('brand voice in the conversation', () => {
  it('puts the style guide in the system prompt before the story outline, with a cache point where the prefix pays', async () => {
    world.bedrock.script(heroChange())
    const events = await ask()
    expect(guideReads()).toBe(1)
    const system = world.bedrock.requests.at(-1)!.body.system as Array<{ text?: string; cachePoint?: unknown }>
    const kinds = system.map((b) =>
      b.cachePoint
        ? 'cachePoint'
        : b.text!.startsWith('Brand style guide')
          ? 'guide'
          : b.text!.startsWith('The story')
            ? 'outline'
            : 'instructions',
    )
    // Instructions + guide + tool schema stay below Sonnet 4.6's 2,048-token checkpoint minimum: no point there.
    expect(kinds).toEqual(['instructions', 'guide', 'outline', 'cachePoint'])
    expect(system[1]!.text).toContain('No exclamation marks in headlines.')
    const notice = events.find((e) => e.event === 'notice' && e.data.code === 'style_guide_active')
    expect(notice?.data).toMatchObject({ slug: DEMO_SLUGS.brandVoice, storyId: DEMO_STORY_IDS.brandVoice })
    expect(events.some((e) => e.event === 'proposal')).toBe(true)
  })

  it('reads the guide once and serves later turns from the cache', async () => {
    world.bedrock.script(heroChange(), heroChange())
    await ask()
    await ask()
    expect(guideReads()).toBe(0) // both served from the previous test's cache entry
    expect(world.bedrock.requests.every((r) => JSON.stringify(r.body.system).includes('No exclamation marks'))).toBe(
      true,
    )
  })

  it('uses the guide named by the plugin option over the proxy default', async () => {
    world.storyblok.setStory(DEMO_SPACE_ID, {
      ...world.storyblok.getStory(DEMO_SPACE_ID, DEMO_STORY_IDS.brandVoice)!,
      id: 611000099,
      slug: 'voice-de',
      full_slug: 'settings/voice-de',
      content: { _uid: 'g2', component: 'article-page', teaser: 'Wir duzen unsere Leser.' },
    })
    world.bedrock.script(heroChange())
    await ask({ styleGuideStory: 'settings/voice-de' })
    expect(JSON.stringify(world.bedrock.requests.at(-1)!.body.system)).toContain('Wir duzen unsere Leser.')
  })

  it('warns about a missing guide and still answers', async () => {
    world.bedrock.script(heroChange())
    const events = await ask({ styleGuideStory: 'settings/not-there' })
    expect(events.find((e) => e.event === 'notice' && e.data.code === 'style_guide_missing')?.data.message).toMatch(
      /not-there/,
    )
    expect(events.some((e) => e.event === 'proposal')).toBe(true)
    expect(events.some((e) => e.event === 'error')).toBe(false)
    expect(JSON.stringify(world.bedrock.requests.at(-1)!.body.system)).not.toContain('Brand style guide')
  })

  it('announces a truncated guide', async () => {
    const long = Array.from({ length: 500 }, (_, i) => `Rule ${i}: keep sentences short and kind.`).join('\n\n')
    world.storyblok.setStory(DEMO_SPACE_ID, {
      ...world.storyblok.getStory(DEMO_SPACE_ID, DEMO_STORY_IDS.brandVoice)!,
      id: 611000098,
      slug: 'long',
      full_slug: 'settings/long',
      content: { _uid: 'g3', component: 'article-page', teaser: long },
    })
    world.bedrock.script(heroChange())
    const events = await ask({ styleGuideStory: 'settings/long' })
    expect(events.some((e) => e.event === 'notice' && e.data.code === 'style_guide_truncated')).toBe(true)
    expect(JSON.stringify(world.bedrock.requests.at(-1)!.body.system)).toContain('[Style guide truncated')
  })
})
