import { describe, expect, it } from 'vitest'
import { applyChangeSet } from '../../../proxy/story/applyChangeSet.ts'
import { undoChangeSet } from '../../../proxy/story/undoChangeSet.ts'
import type { ChangeSetResult } from '../../../proxy/story/writePlan.ts'
import { undoFromSaved } from '../../../proxy/story/undoFromSaved.ts'
import type { HistoryValue } from '../../../proxy/story/historyEntry.ts'
import type { Blok } from '../../../proxy/deps.ts'
import { DEMO_UIDS } from '../../../dev/simulators/storyblokSeed.ts'
import { blok, demo } from './demo.ts'
import { loadMarkdownToRichtext } from '../../../proxy/adapters/markdownToRichtext.ts'

// The proxy loads the converter at its edge and passes it in; these tests do the same, once.
const markdownToRichtext = await loadMarkdownToRichtext()

const { components, home, article } = demo()
const FAQ2 = 'Any framework that can fetch JSON: Next.js, Nuxt, Astro, SvelteKit and more.'
const HERO = 'Content that moves at the speed of your team'

function ok(result: ChangeSetResult) {
  if (result.type !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(result)}`)
  return result
}

/** Refused for invalid changes only (the wire's invalid_change); returns which fields. */
function invalidFields(result: ChangeSetResult) {
  expect(result.type).toBe('refused')
  const problems = result.type === 'refused' ? result.problems : []
  expect(problems.length).toBeGreaterThan(0)
  expect(problems.every((p) => p.kind === 'invalid')).toBe(true)
  return problems.map((p) => p.field)
}

describe('applyChangeSet and undoChangeSet', () => {
  it('writes exactly the targeted fields; everything else is carried over unchanged', () => {
    const content = home.content
    const result = ok(
      applyChangeSet({
        content,
        components,
        markdownToRichtext,
        changes: [
          { blockUid: DEMO_UIDS.faqItem2, field: 'description', before: FAQ2, after: 'Anything that speaks JSON.' },
          { blockUid: DEMO_UIDS.priceBusiness, field: 'price', before: '99', after: 89 },
        ],
      }),
    )
    expect(blok(result.content, DEMO_UIDS.faqItem2)['description']).toBe('Anything that speaks JSON.')
    expect(blok(result.content, DEMO_UIDS.priceBusiness)['price']).toBe('89')
    const expected = structuredClone(content)
    blok(expected, DEMO_UIDS.faqItem2)['description'] = 'Anything that speaks JSON.'
    blok(expected, DEMO_UIDS.priceBusiness)['price'] = '89'
    expect(JSON.stringify(result.content)).toBe(JSON.stringify(expected))
    expect(blok(content, DEMO_UIDS.faqItem2)['description']).toBe(FAQ2) // input untouched
  })

  it('returns the inverse changes; applying them restores the original content', () => {
    const content = article.content
    const first = ok(
      applyChangeSet({
        content,
        components,
        markdownToRichtext,
        changes: [
          {
            blockUid: DEMO_UIDS.articleRoot,
            field: 'subheadline',
            language: 'de',
            before: null,
            after: 'Fünf Lektionen',
          },
          {
            blockUid: DEMO_UIDS.articleRoot,
            field: 'headline',
            before: 'Why headless content wins',
            after: 'Headless wins',
          },
        ],
      }),
    )
    expect(first.content['subheadline__i18n__de']).toBe('Fünf Lektionen')
    expect(first.undo).toEqual([
      { blockUid: DEMO_UIDS.articleRoot, field: 'subheadline', language: 'de', before: 'Fünf Lektionen', after: null },
      {
        blockUid: DEMO_UIDS.articleRoot,
        field: 'headline',
        language: 'default',
        before: 'Headless wins',
        after: 'Why headless content wins',
      },
    ])
    const undone = ok(undoChangeSet({ content: first.content, components, markdownToRichtext, changes: first.undo }))
    expect(undone.content).toEqual(content)
  })

  it('conflict: a human edited a targeted field → nothing applied, expected and actual reported', () => {
    const content = structuredClone(home.content)
    blok(content, DEMO_UIDS.hero)['headline'] = 'Edited by a human'
    const result = applyChangeSet({
      content,
      components,
      markdownToRichtext,
      changes: [
        { blockUid: DEMO_UIDS.hero, field: 'headline', before: HERO, after: 'AI headline' },
        { blockUid: DEMO_UIDS.faqItem2, field: 'description', before: FAQ2, after: 'x' },
      ],
    })
    expect(result).toEqual({
      type: 'refused',
      problems: [
        {
          blockUid: DEMO_UIDS.hero,
          field: 'headline',
          language: 'default',
          kind: 'conflict',
          expected: HERO,
          actual: 'Edited by a human',
        },
      ],
    })
  })

  it('a human edit to another field of the same block is preserved', () => {
    const content = structuredClone(home.content)
    blok(content, DEMO_UIDS.hero)['subheadline'] = 'Human subheadline'
    const result = ok(
      applyChangeSet({
        content,
        components,
        markdownToRichtext,
        changes: [{ blockUid: DEMO_UIDS.hero, field: 'headline', before: HERO, after: 'AI headline' }],
      }),
    )
    expect(blok(result.content, DEMO_UIDS.hero)).toMatchObject({
      headline: 'AI headline',
      subheadline: 'Human subheadline',
    })
  })

  it('undo leaves fields a human changed since the apply alone and reports them', () => {
    const applied = ok(
      applyChangeSet({
        content: home.content,
        components,
        markdownToRichtext,
        changes: [
          { blockUid: DEMO_UIDS.hero, field: 'headline', before: HERO, after: 'AI headline' },
          { blockUid: DEMO_UIDS.faqItem2, field: 'description', before: FAQ2, after: 'AI answer' },
        ],
      }),
    )
    blok(applied.content, DEMO_UIDS.hero)['headline'] = 'Human fixed it'
    const undone = ok(
      undoChangeSet({ content: applied.content, components, markdownToRichtext, changes: applied.undo }),
    )
    expect(blok(undone.content, DEMO_UIDS.hero)['headline']).toBe('Human fixed it')
    expect(blok(undone.content, DEMO_UIDS.faqItem2)['description']).toBe(FAQ2)
    expect(undone.leftAlone).toEqual([
      {
        blockUid: DEMO_UIDS.hero,
        field: 'headline',
        language: 'default',
        kind: 'conflict',
        expected: 'AI headline',
        actual: 'Human fixed it',
      },
    ])
  })

  it('apply needs a value for every field; the undo of an added translation removes it again', () => {
    const change = { blockUid: DEMO_UIDS.articleRoot, field: 'subheadline', language: 'de', before: null, after: null }
    const input = { content: article.content, components, markdownToRichtext, changes: [change] }
    expect(invalidFields(applyChangeSet(input))).toEqual(['subheadline'])
    const withTranslation = structuredClone(article.content)
    withTranslation['subheadline__i18n__de'] = 'Fünf Lektionen'
    const undone = ok(
      undoChangeSet({ ...input, content: withTranslation, changes: [{ ...change, before: 'Fünf Lektionen' }] }),
    )
    expect(undone.content).not.toHaveProperty('subheadline__i18n__de')
    expect(undone.leftAlone).toEqual([])
  })

  it('invalid changes and conflicts come back together, in one problem shape', () => {
    const content = structuredClone(home.content)
    blok(content, DEMO_UIDS.hero)['headline'] = 'Edited by a human'
    const result = applyChangeSet({
      content,
      components,
      markdownToRichtext,
      changes: [
        { blockUid: DEMO_UIDS.hero, field: 'headline', before: HERO, after: 'AI headline' },
        { blockUid: DEMO_UIDS.hero, field: 'background_image', before: null, after: 'x' },
      ],
    })
    expect(result.type === 'refused' && result.problems.map((p) => [p.kind, p.field])).toEqual([
      ['conflict', 'headline'],
      ['invalid', 'background_image'],
    ])
  })

  it('refuses fields outside the writable scope (prompt-injection resistance) and invalid values', () => {
    const result = applyChangeSet({
      content: article.content,
      components,
      markdownToRichtext,
      changes: [
        { blockUid: DEMO_UIDS.articleRoot, field: 'author', before: '', after: 'evil-uuid' },
        { blockUid: DEMO_UIDS.articleRoot, field: 'image', before: null, after: { filename: 'x' } },
        { blockUid: DEMO_UIDS.articleRoot, field: 'component', before: 'article-page', after: 'x' },
        {
          blockUid: DEMO_UIDS.articleRoot,
          field: 'headline',
          before: 'Why headless content wins',
          after: 'h'.repeat(71),
        },
      ],
    })
    expect(invalidFields(result)).toEqual(['author', 'image', 'component', 'headline'])
  })

  it('a deleted block is a conflict', () => {
    const result = applyChangeSet({
      content: home.content,
      components,
      markdownToRichtext,
      changes: [{ blockUid: 'gone', field: 'headline', before: 'a', after: 'b' }],
    })
    expect(result).toMatchObject({ type: 'refused', problems: [{ kind: 'conflict', blockUid: 'gone', actual: null }] })
    expect(result.type === 'refused' && result.problems).toHaveLength(1)
  })

  it('refuses a story over 5 MB', () => {
    const result = applyChangeSet({
      content: article.content,
      components,
      markdownToRichtext,
      changes: [
        {
          blockUid: DEMO_UIDS.articleRoot,
          field: 'teaser',
          before: article.content['teaser'],
          after: 't'.repeat(5 * 1024 * 1024),
        },
      ],
    })
    expect(result).toMatchObject({ type: 'too_large' })
  })

  it('appends the history entry to the plugin field in the same content, and only to a plugin field', () => {
    const content: Blok = { ...structuredClone(article.content), ai_history: '' }
    const withPlugin = components.map((c) =>
      c.name === 'article-page'
        ? { ...c, schema: { ...c.schema, ai_history: { type: 'custom', field_type: 'voice-assistant' } } }
        : c,
    )
    const entry = {
      id: 'cs-1',
      at: '2026-11-25T15:00:00.000Z',
      userId: 7,
      transcript: 'shorter headline',
      modelId: 'm',
    }
    const change = {
      blockUid: DEMO_UIDS.articleRoot,
      field: 'headline',
      before: 'Why headless content wins',
      after: 'Headless wins',
    }
    const result = ok(
      applyChangeSet({
        content,
        components: withPlugin,
        markdownToRichtext,
        changes: [change],
        history: { blockUid: DEMO_UIDS.articleRoot, field: 'ai_history', fieldType: 'voice-assistant', entry },
      }),
    )
    const history = result.content['ai_history'] as HistoryValue
    expect(history.v).toBe(1)
    expect(history.history).toEqual([{ ...entry, reason: 'apply', changes: [{ ...change, language: 'default' }] }])
    const misuse = applyChangeSet({
      content,
      components: withPlugin,
      markdownToRichtext,
      changes: [change],
      history: { blockUid: DEMO_UIDS.articleRoot, field: 'teaser', fieldType: 'voice-assistant', entry },
    })
    expect(invalidFields(misuse)).toEqual(['teaser'])
    // Another plugin's custom field is not this plugin's own.
    const otherPlugin = applyChangeSet({
      content,
      components: withPlugin,
      markdownToRichtext,
      changes: [change],
      history: { blockUid: DEMO_UIDS.articleRoot, field: 'ai_history', fieldType: 'other-plugin', entry },
    })
    expect(invalidFields(otherPlugin)).toEqual(['ai_history'])
  })
})

describe('undoFromSaved', () => {
  it('takes the undo "before" from what Storyblok stored', () => {
    const stored = structuredClone(article.content)
    stored['headline__i18n__de'] = 'Normalised by Storyblok'
    const undo = [{ blockUid: DEMO_UIDS.articleRoot, field: 'headline', language: 'de', before: 'Sent', after: 'Old' }]
    expect(undoFromSaved(undo, stored, components)).toEqual([{ ...undo[0], before: 'Normalised by Storyblok' }])
  })
})

describe('applyChangeSet and undoChangeSet: appending a nested block', () => {
  const NEW_UID = '9f1c2d3e-0000-4000-8000-00000000abcd'
  const newEntry = {
    _uid: NEW_UID,
    component: 'tabbed-content-entry',
    headline: 'Do you offer support?',
    description: 'Yes, by chat and e-mail.',
  }

  it('appends a whitelisted block to the list and the undo removes it again', () => {
    const result = ok(
      applyChangeSet({
        content: home.content,
        components,
        markdownToRichtext,
        changes: [{ blockUid: DEMO_UIDS.faq, field: 'entries', before: null, after: newEntry }],
      }),
    )
    const entries = blok(result.content, DEMO_UIDS.faq)['entries'] as Blok[]
    expect(entries.map((e) => e._uid)).toEqual([DEMO_UIDS.faqItem1, DEMO_UIDS.faqItem2, DEMO_UIDS.faqItem3, NEW_UID])
    expect(entries[3]).toEqual(newEntry)
    expect(result.undo).toEqual([
      { blockUid: DEMO_UIDS.faq, field: 'entries', language: 'default', before: newEntry, after: null },
    ])
    const undone = ok(undoChangeSet({ content: result.content, components, markdownToRichtext, changes: result.undo }))
    expect(undone.content).toEqual(home.content)
  })

  it('undo keeps an appended block a human has edited since', () => {
    const result = ok(
      applyChangeSet({
        content: home.content,
        components,
        markdownToRichtext,
        changes: [{ blockUid: DEMO_UIDS.faq, field: 'entries', before: null, after: newEntry }],
      }),
    )
    blok(result.content, NEW_UID)['headline'] = 'Human edit'
    const refused = undoChangeSet({ content: result.content, components, markdownToRichtext, changes: result.undo })
    expect(refused.type).toBe('refused')
    expect(refused.type === 'refused' && refused.problems.map((p) => p.kind)).toEqual(['conflict'])
  })

  it('refuses components outside the whitelist, fields that are not writable, a full list and wholesale replacement', () => {
    const attempt = (after: unknown, before: unknown = null, uid = DEMO_UIDS.faq, field = 'entries') =>
      applyChangeSet({
        content: home.content,
        components,
        markdownToRichtext,
        changes: [{ blockUid: uid, field, before, after }],
      })
    invalidFields(attempt({ ...newEntry, component: 'hero-section' }))
    invalidFields(attempt({ ...newEntry, image: { filename: 'https://evil.example/x.png' } }))
    invalidFields(attempt({ ...newEntry, headline: 'h'.repeat(51) }))
    invalidFields(attempt({ ...newEntry, _uid: DEMO_UIDS.hero }))
    // Hero buttons: max 2, one exists → one more is fine, a third is not.
    const button = { _uid: 'b2b2b2b2-0000-4000-8000-000000000001', component: 'button', label: 'Contact us' }
    const two = ok(
      applyChangeSet({
        content: home.content,
        components,
        markdownToRichtext,
        changes: [{ blockUid: DEMO_UIDS.hero, field: 'buttons', before: null, after: button }],
      }),
    )
    invalidFields(
      applyChangeSet({
        content: two.content,
        components,
        markdownToRichtext,
        changes: [
          {
            blockUid: DEMO_UIDS.hero,
            field: 'buttons',
            before: null,
            after: { ...button, _uid: 'b3b3b3b3-0000-4000-8000-000000000001' },
          },
        ],
      }),
    )
    const existing = blok(home.content, DEMO_UIDS.faqItem1)
    invalidFields(attempt({ ...existing, headline: 'Replaced' }, existing))
    invalidFields(attempt(null, existing)) // removal only as an undo
  })
})
