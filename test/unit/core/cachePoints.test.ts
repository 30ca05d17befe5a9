import { describe, expect, it } from 'vitest'
import { withCachePoints, withHistoryPoint } from '../../../proxy/proposal/cachePoints.ts'
import { modelCapabilities } from '../../../proxy/proposal/modelCapabilities.ts'
import { proposalMaxTokens } from '../../../proxy/proposal/proposalMaxTokens.ts'
import { focusNote } from '../../../proxy/conversation/focusNote.ts'
import { repairMessages } from '../../../proxy/proposal/repairPrompt.ts'
import { storyOutline } from '../../../proxy/story/storyOutline.ts'
import { DEMO_UIDS } from '../../../dev/simulators/storyblokSeed.ts'
import type { ModelRequest } from '../../../proxy/deps.ts'
import { demo } from './demo.ts'

const point = { cachePoint: { type: 'default' as const } }
const text = (tokens: number) => ({ text: 'x'.repeat(tokens * 4) })
const points = (r: ModelRequest) =>
  [...r.system, ...r.messages.flatMap((m) => m.content)].filter((b) => 'cachePoint' in b).length

const SONNET_45 = modelCapabilities('us.anthropic.claude-sonnet-4-5-20250929-v1:0')
const SONNET_46 = modelCapabilities('us.anthropic.claude-sonnet-4-6')
const HAIKU_45 = modelCapabilities('us.anthropic.claude-haiku-4-5-20251001-v1:0')

describe('withCachePoints', () => {
  const request: ModelRequest = {
    system: [text(1500), point, text(3000), point],
    messages: [{ role: 'user', content: [{ text: 'hi' }] }],
  }

  it('keeps a point only where it adds the model’s minimum after the previous one', () => {
    expect(withCachePoints(request, SONNET_45).system).toEqual(request.system)
    // 1,500 tokens are below Sonnet 4.6's 2,048: only the point after 4,500 tokens stays.
    expect(withCachePoints(request, SONNET_46).system.map((b) => ('cachePoint' in b ? 'point' : 'text'))).toEqual([
      'text',
      'text',
      'point',
    ])
    expect(points(withCachePoints(request, HAIKU_45))).toBe(1)
  })

  it('counts the tools first, as Bedrock does', () => {
    const tools = [{ name: 't', description: 'x'.repeat(2100 * 4), inputSchema: {} }]
    const withTools = withCachePoints({ ...request, tools }, SONNET_46)
    expect(points(withTools)).toBe(2)
  })

  it('sends no point to a model without prompt caching, and never more than four', () => {
    expect(points(withCachePoints(request, modelCapabilities('amazon.nova-pro-v1:0')))).toBe(0)
    const many: ModelRequest = { system: Array.from({ length: 6 }, () => [text(1100), point]).flat(), messages: [] }
    expect(points(withCachePoints(many, SONNET_45))).toBe(4)
  })

  it('marks the end of the previous answer so the next turn reads the history', () => {
    const messages: ModelRequest['messages'] = [
      { role: 'user', content: [{ text: 'a' }] },
      { role: 'assistant', content: [{ text: 'b' }] },
      { role: 'user', content: [{ text: 'c' }] },
    ]
    expect(withHistoryPoint(messages)[1]!.content.at(-1)).toEqual(point)
    expect(withHistoryPoint(messages.slice(0, 1))).toEqual(messages.slice(0, 1))
  })
})

describe('proposalMaxTokens', () => {
  const { components, home, article } = demo()
  it('sizes the answer to the story, between the configured floor and the model limit', () => {
    const homeOutline = storyOutline({ story: home, components })
    const articleOutline = storyOutline({ story: article, components })
    expect(proposalMaxTokens(homeOutline, SONNET_46, 1)).toBeGreaterThan(
      proposalMaxTokens(articleOutline, SONNET_46, 1),
    )
    expect(proposalMaxTokens(homeOutline, SONNET_46, 2048)).toBe(2048)
    // Translating a long text: ~2.5 characters per token, far above the 2,048 default.
    const long = structuredClone(article)
    long.content['teaser'] = 'Lorem ipsum dolor sit amet. '.repeat(1000)
    expect(proposalMaxTokens(storyOutline({ story: long, components }), SONNET_46, 2048)).toBeGreaterThan(11_000)
    expect(proposalMaxTokens(homeOutline, SONNET_46, 50_000)).toBe(50_000)
    expect(proposalMaxTokens(homeOutline, modelCapabilities('x.y'), 50_000)).toBe(4096)
  })

  it('leaves room for reasoning on models that always think', () => {
    const outline = storyOutline({ story: article, components })
    const always = modelCapabilities('us.anthropic.claude-sonnet-5-5')
    expect(proposalMaxTokens(outline, always, 1) - proposalMaxTokens(outline, SONNET_46, 1)).toBe(4096)
  })
})

describe('focusNote', () => {
  const { components, home } = demo()
  const outline = storyOutline({ story: home, components })
  it('names the focused block and field with their place in the story', () => {
    const note = focusNote(outline, { blockUid: DEMO_UIDS.faqItem2, field: 'description' })
    expect(note).toMatch(new RegExp(`^EDITOR FOCUS: block uid ${DEMO_UIDS.faqItem2} \\(.*Tabbed content entry 2`))
    expect(note).toContain(', field description.')
    expect(focusNote(outline, { blockUid: DEMO_UIDS.hero })).toMatch(/block uid \S+ \(.+\)\. "This"/)
    expect(focusNote(outline, undefined)).toBeUndefined()
  })
})

describe('repairMessages across models', () => {
  const problems = [{ index: 0, blockUid: 'b', field: 'f', reason: 'too long' }]
  it('puts the reasoning blocks first and asks in words when the tool cannot be forced', () => {
    const reasoning = [{ reasoningText: { text: 'thinking', signature: 'sig' } }]
    const [assistant, user] = repairMessages({
      toolUseId: 't',
      input: {},
      text: 'Hi',
      problems,
      reasoning,
      forced: false,
    })
    expect(assistant!.content.map((c) => Object.keys(c)[0])).toEqual(['reasoningContent', 'text', 'toolUse'])
    expect(JSON.stringify(user)).toContain('must be exactly one propose_changes call')
    const [, forcedUser] = repairMessages({ toolUseId: 't', input: {}, problems })
    expect(JSON.stringify(forcedUser)).not.toContain('must be exactly one')
  })
})
