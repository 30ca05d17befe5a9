import { describe, expect, it } from 'vitest'
import { PROPOSAL_TOOL, proposalTool } from '../../../proxy/proposal/proposalTool.ts'
import { storyOutline } from '../../../proxy/story/storyOutline.ts'
import { systemPrompt } from '../../../proxy/conversation/systemPrompt.ts'
import { DEMO_UIDS } from '../../../dev/simulators/storyblokSeed.ts'
import { demo } from './demo.ts'

const { components, home, article } = demo()

describe('proposalTool', () => {
  it('article-page: the only block uid and its four writable fields', () => {
    const tool = proposalTool(storyOutline({ story: article, components }))
    expect(tool.name).toBe(PROPOSAL_TOOL)
    expect(tool.inputSchema).toMatchObject({
      type: 'object',
      required: ['changes'],
      properties: {
        changes: {
          type: 'array',
          items: {
            properties: {
              blockUid: { const: DEMO_UIDS.articleRoot },
              field: { enum: ['headline', 'subheadline', 'teaser', 'text'] },
            },
            required: ['blockUid', 'field', 'value'],
          },
        },
        question: { type: 'string' },
      },
    })
    expect(JSON.stringify(tool.inputSchema)).not.toMatch(/"(image|author|categories)"/)
    // No list to add items to on this page: the value is never an object.
    expect(JSON.stringify(tool.inputSchema)).not.toContain('"type":"object","properties":{"component"')
  })

  it("home: one variant per block pairs each uid with only that block's fields", () => {
    const tool = proposalTool(storyOutline({ story: home, components }))
    const items = (
      tool.inputSchema['properties'] as {
        changes: { items: { anyOf: Array<{ properties: { blockUid: { const: string }; field: { enum: string[] } } }> } }
      }
    ).changes.items
    const faq2 = items.anyOf.find((v) => v.properties.blockUid.const === DEMO_UIDS.faqItem2)
    expect(faq2?.properties.field.enum).toEqual(['headline', 'description', 'button'])
    const hero = items.anyOf.find((v) => v.properties.blockUid.const === DEMO_UIDS.hero)
    expect(hero?.properties.field.enum).not.toContain('background_image')
    expect(JSON.stringify(tool.inputSchema)).toContain('"type":"object","properties":{"component"')
    // The root default-page has only its body list, where new sections may be appended.
    expect(items.anyOf.find((v) => v.properties.blockUid.const === DEMO_UIDS.homeRoot)?.properties.field.enum).toEqual([
      'body',
    ])
  })

  it('tells Claude to ask instead of guessing', () => {
    expect(proposalTool(storyOutline({ story: home, components })).description).toMatch(/do not guess.*question/s)
  })
})

describe('systemPrompt', () => {
  it('orders instructions, style guide, cache point, outline, cache point', () => {
    const outline = storyOutline({ story: home, components })
    const system = systemPrompt({ outline, styleGuide: 'Use British English.' })
    expect(system.map((b) => ('cachePoint' in b ? 'cache' : b.text.slice(0, 12)))).toEqual([
      'You are the ',
      'Brand style ',
      'cache',
      'The story (o',
      'cache',
    ])
    expect(JSON.stringify(system[0])).toContain('the second FAQ answer')
    expect(JSON.stringify(system[3])).toContain(DEMO_UIDS.faqItem2)
  })

  it('omits the style guide block when there is none', () => {
    const system = systemPrompt({ outline: storyOutline({ story: article, components }) })
    expect(system).toHaveLength(4)
  })
})
