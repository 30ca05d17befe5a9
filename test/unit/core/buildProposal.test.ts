import { describe, expect, it } from 'vitest'
import { buildProposal, changeFromToolItem, invalidChange } from '../../../proxy/proposal/buildProposal.ts'
import { repairMessages } from '../../../proxy/proposal/repairPrompt.ts'
import { storyOutline } from '../../../proxy/story/storyOutline.ts'
import { DEMO_UIDS } from '../../../dev/simulators/storyblokSeed.ts'
import { demo } from './demo.ts'
import { loadMarkdownToRichtext } from '../../../proxy/adapters/markdownToRichtext.ts'

// The proxy loads the converter at its edge and passes it in; these tests do the same, once.
const markdownToRichtext = await loadMarkdownToRichtext()

const { components, home, article } = demo()
const homeOutline = storyOutline({ story: home, components })

describe('buildProposal', () => {
  it('turns the second FAQ answer into a labelled change with before/after', () => {
    const { changes, problems } = buildProposal(
      { changes: [{ blockUid: DEMO_UIDS.faqItem2, field: 'description', value: 'Any framework that speaks JSON.' }] },
      homeOutline,
      markdownToRichtext,
    )
    expect(problems).toEqual([])
    expect(changes).toEqual([
      {
        id: `${DEMO_UIDS.faqItem2}/description`,
        blockUid: DEMO_UIDS.faqItem2,
        component: 'tabbed-content-entry',
        field: 'description',
        fieldType: 'textarea',
        language: 'default',
        before: 'Any framework that can fetch JSON: Next.js, Nuxt, Astro, SvelteKit and more.',
        after: 'Any framework that speaks JSON.',
        label:
          'Page › Body › Tabbed content section 4 “Frequently asked questions” › Entries › Tabbed content entry 2 “Which frameworks are supported?” › Description',
      },
    ])
  })

  it('reports invented uids, non-writable fields and rule violations as problems', () => {
    const { changes, problems } = buildProposal(
      {
        changes: [
          { blockUid: 'made-up', field: 'headline', value: 'x' },
          { blockUid: DEMO_UIDS.hero, field: 'background_image', value: 'x' },
          { blockUid: DEMO_UIDS.faqItem1, field: 'headline', value: 'q'.repeat(60) },
          { blockUid: DEMO_UIDS.hero, field: 'text_color', value: 'dark' },
        ],
      },
      homeOutline,
      markdownToRichtext,
    )
    expect(changes.map((c) => c.field)).toEqual(['text_color'])
    expect(problems.map((p) => p.index)).toEqual([0, 1, 2])
    expect(problems[2]?.reason).toBe('"Headline" allows at most 50 characters (got 60)')
  })

  it('passes a question through and keeps the last change per field', () => {
    const built = buildProposal(
      {
        changes: [
          { blockUid: DEMO_UIDS.hero, field: 'headline', value: 'One' },
          { blockUid: DEMO_UIDS.hero, field: 'headline', value: 'Two' },
        ],
        question: ' The hero or the FAQ headline? ',
      },
      homeOutline,
      markdownToRichtext,
    )
    expect(built.changes.map((c) => c.after)).toEqual(['Two'])
    expect(built.question).toBe('The hero or the FAQ headline?')
  })

  it('targets the translation when editing in German, and richtext Markdown becomes richtext', () => {
    const outline = storyOutline({ story: article, components, language: 'de' })
    const result = changeFromToolItem(
      { blockUid: DEMO_UIDS.articleRoot, field: 'teaser', value: 'Kurz und klar.' },
      0,
      outline,
      markdownToRichtext,
    )
    expect(result.change).toMatchObject({
      id: `${DEMO_UIDS.articleRoot}/teaser__i18n__de`,
      language: 'de',
      before: article.content['teaser__i18n__de'],
      after: 'Kurz und klar.',
    })
    const rich = changeFromToolItem(
      { blockUid: DEMO_UIDS.articleRoot, field: 'text', value: '## Neu\n\n- eins', language: 'de' },
      1,
      outline,
      markdownToRichtext,
    )
    expect(rich.change?.before).toBeNull()
    expect(rich.change?.after).toMatchObject({ type: 'doc', content: [{ type: 'heading' }, { type: 'bullet_list' }] })
  })

  it('an invalid change after the repair round is shown with its reason', () => {
    const { problems } = buildProposal(
      { changes: [{ blockUid: DEMO_UIDS.faqItem1, field: 'headline', value: 'q'.repeat(60) }] },
      homeOutline,
      markdownToRichtext,
    )
    const shown = invalidChange(problems[0]!, homeOutline)
    expect(shown).toMatchObject({
      blockUid: DEMO_UIDS.faqItem1,
      field: 'headline',
      before: 'Can I try it for free?',
      invalid: '"Headline" allows at most 50 characters (got 60)',
    })
    expect(invalidChange({ index: 0, blockUid: 'made-up', field: 'x', reason: 'r' }, homeOutline)).toBeUndefined()
  })
})

describe('repairMessages', () => {
  it('feeds every problem back as an error toolResult for the same tool use', () => {
    const input = { changes: [{ blockUid: DEMO_UIDS.faqItem1, field: 'headline', value: 'q'.repeat(60) }] }
    const { problems } = buildProposal(input, homeOutline, markdownToRichtext)
    const [assistant, user] = repairMessages({ toolUseId: 'tu-1', input, text: 'Here you go.', problems })
    expect(assistant).toEqual({
      role: 'assistant',
      content: [{ text: 'Here you go.' }, { toolUse: { toolUseId: 'tu-1', name: 'propose_changes', input } }],
    })
    const result = user?.content[0]
    expect(result && 'toolResult' in result ? result.toolResult.status : undefined).toBe('error')
    expect(JSON.stringify(user)).toContain('at most 50 characters')
  })
})

describe('buildProposal: new nested blocks', () => {
  it('turns {component, fields} into a new item with a fresh _uid and no "before"', () => {
    const result = changeFromToolItem(
      {
        blockUid: DEMO_UIDS.faq,
        field: 'entries',
        value: {
          component: 'tabbed-content-entry',
          fields: { headline: 'Do you offer support?', description: 'Yes.' },
        },
      },
      0,
      homeOutline,
      markdownToRichtext,
    )
    expect(result.change).toMatchObject({
      blockUid: DEMO_UIDS.faq,
      field: 'entries',
      fieldType: 'bloks',
      before: null,
      after: {
        _uid: expect.any(String),
        component: 'tabbed-content-entry',
        headline: 'Do you offer support?',
        description: 'Yes.',
      },
      label: 'Page › Body › Tabbed content section 4 “Frequently asked questions” › Entries › New item',
    })
    expect(homeOutline.text).toContain('- entries "Entries" (list of 3 items, max 5; to add ONE new item')
    expect(
      changeFromToolItem(
        { blockUid: DEMO_UIDS.faq, field: 'entries', value: { component: 'banner', fields: { headline: 'x' } } },
        0,
        homeOutline,
        markdownToRichtext,
      ).problem?.reason,
    ).toBe('"Entries" can only get new items of "tabbed-content-entry"')
  })
})

describe('buildProposal: languages', () => {
  it('refuses a language that is not a language code (it would become part of a content key)', () => {
    const result = changeFromToolItem(
      { blockUid: DEMO_UIDS.hero, field: 'headline', value: 'x', language: 'de__x' },
      0,
      homeOutline,
      markdownToRichtext,
    )
    expect(result.problem?.reason).toBe('"de__x" is not a language code')
  })
})
