import { describe, expect, it } from 'vitest'
import { PROPOSAL_TOOL, proposalTool } from '../../../proxy/proposal/proposalTool.ts'
import { storyOutline } from '../../../proxy/story/storyOutline.ts'
import { systemPrompt } from '../../../proxy/conversation/systemPrompt.ts'
import { buildProposal } from '../../../proxy/proposal/buildProposal.ts'
import { strictSchemaProblem } from '../../../dev/simulators/strictSchema.ts'
import { DEMO_UIDS } from '../../../dev/simulators/storyblokSeed.ts'
import { demo } from './demo.ts'
import { markdownToRichtext } from '../../../proxy/adapters/markdownItToRichtext.ts'

const { components, home, article } = demo()

describe('proposalTool', () => {
  it('article-page: the only block uid and its four writable fields', () => {
    const tool = proposalTool(storyOutline({ story: article, components }))
    expect(tool.name).toBe(PROPOSAL_TOOL)
    expect(tool.inputSchema).toMatchObject({
      type: 'object',
      required: ['changes', 'question'],
      properties: {
        changes: {
          type: 'array',
          items: {
            properties: {
              blockUid: { const: DEMO_UIDS.articleRoot },
              field: { enum: ['headline', 'subheadline', 'teaser', 'text'] },
              value: { type: 'string' },
            },
            required: ['blockUid', 'field', 'value', 'language'],
            additionalProperties: false,
          },
        },
        question: { type: 'string' },
      },
    })
    expect(JSON.stringify(tool.inputSchema)).not.toMatch(/"(image|author|categories)"/)
    // No list to add items to on this page: the value is never an object.
    expect(JSON.stringify(tool.inputSchema)).not.toContain('"component"')
  })

  it('home: one variant per value kind, each listing the blocks and fields of that kind', () => {
    const outline = storyOutline({ story: home, components })
    const tool = proposalTool(outline)
    type Variant = { properties: { blockUid: { enum: string[] }; field: { enum: string[] }; value: { type: string } } }
    const items = (tool.inputSchema['properties'] as { changes: { items: { anyOf: Variant[] } } }).changes.items
    const kind = (type: string) => items.anyOf.find((v) => v.properties.value.type === type)!
    expect(items.anyOf.map((v) => v.properties.value.type).sort()).toEqual(['boolean', 'object', 'string'])
    expect(kind('string').properties.blockUid.enum).toEqual(
      expect.arrayContaining([DEMO_UIDS.faqItem2, DEMO_UIDS.hero]),
    )
    expect(kind('string').properties.field.enum).toEqual(expect.arrayContaining(['headline', 'description']))
    for (const v of items.anyOf) expect(v.properties.field.enum).not.toContain('background_image')
    // The root default-page has only its body list, where new sections may be appended.
    expect(kind('object').properties.blockUid.enum).toContain(DEMO_UIDS.homeRoot)
    expect(kind('object').properties.field.enum).toContain('body')
    expect(kind('string').properties.blockUid.enum).not.toContain(DEMO_UIDS.homeRoot)
    expect(JSON.stringify(tool.inputSchema)).toContain('"type":"object","description":"One new list item."')
    // The schema no longer pairs each uid with its fields; the validator does, and says which fields exist.
    const wrong = buildProposal(
      { changes: [{ blockUid: DEMO_UIDS.homeRoot, field: 'headline', value: 'x', language: '' }], question: '' },
      outline,
      markdownToRichtext,
    )
    expect(wrong.problems[0]?.reason).toMatch(/has no writable field "headline"/)
  })

  it('is a third of the per-block schema on the demo home story and valid for strict tool use', () => {
    const outline = storyOutline({ story: home, components })
    const tool = proposalTool(outline, { strict: true })
    // The per-block schema it replaces was 14,743 characters.
    expect(JSON.stringify(tool).length).toBeLessThan(6000)
    expect(tool.strict).toBe(true)
    expect(strictSchemaProblem(tool.inputSchema)).toBeUndefined()
    expect(JSON.stringify(tool.inputSchema)).not.toContain('maxItems')
    expect(proposalTool(outline).inputSchema).toMatchObject({ properties: { changes: { maxItems: 50 } } })
  })

  it('a new list item arrives as a field list and is validated like the object form', () => {
    const outline = storyOutline({ story: home, components })
    const target = [...outline.targets.values()].find((t) => t.field.type === 'bloks' && t.field.allowed?.length)!
    const component = target.field.allowed![0]!
    const asList = buildProposal(
      {
        changes: [
          {
            blockUid: target.blockUid,
            field: target.field.name,
            value: { component, fields: [{ name: 'headline', value: 'New' }] },
            language: '',
          },
        ],
        question: '',
      },
      outline,
      markdownToRichtext,
    )
    const asObject = buildProposal(
      {
        changes: [
          { blockUid: target.blockUid, field: target.field.name, value: { component, fields: { headline: 'New' } } },
        ],
      },
      outline,
      markdownToRichtext,
    )
    expect(asList.problems.map((p) => p.reason)).toEqual(asObject.problems.map((p) => p.reason))
    expect(asList.changes.length).toBe(asObject.changes.length)
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
