import { describe, expect, it } from 'vitest'
import type { Change } from '../../../shared/contract.ts'
import { changesWithUnsavedEdits, contentKey, ownFieldName } from '../../../plugin/src/draftCheck.ts'

const content = {
  _uid: 'root',
  component: 'page',
  voice_assistant: { v: 1, history: [], plugin: 'va' },
  body: [{ _uid: 'hero', component: 'hero', headline: 'Edited by a human', subline: '', title__i18n__de: 'Hallo' }],
}
const change = (field: string, before: unknown, language = 'default'): Change => ({
  id: field,
  blockUid: 'hero',
  component: 'hero',
  field,
  fieldType: 'text',
  language,
  before,
  after: 'x',
  label: `Hero › ${field}`,
})

describe('unsaved edits check before applying', () => {
  it('flags changes whose field differs in the draft, and only those', () => {
    const flagged = changesWithUnsavedEdits(content, [
      change('headline', 'Saved headline'),
      change('subline', undefined),
      change('title', 'Hallo', 'de'),
    ])
    expect(flagged.map((c) => c.field)).toEqual(['headline'])
  })

  it('skips blocks not in the draft (new blocks)', () => {
    expect(changesWithUnsavedEdits(content, [{ ...change('headline', 'a'), blockUid: 'new' }])).toEqual([])
  })

  it('maps translations to their i18n key', () => {
    expect(contentKey({ field: 'title', language: 'de' })).toBe('title__i18n__de')
    expect(contentKey({ field: 'title__i18n__de', language: 'de' })).toBe('title__i18n__de')
    expect(contentKey({ field: 'title', language: 'default' })).toBe('title')
  })
})

describe('the plugin’s own field name', () => {
  it('prefers the option, else finds the one key holding the plugin’s model', () => {
    expect(ownFieldName({ option: 'ai', storyContent: content, blockUid: 'root', model: '' })).toBe('ai')
    expect(
      ownFieldName({ option: '', storyContent: content, blockUid: 'root', model: { v: 1, history: [], plugin: 'va' } }),
    ).toBe('voice_assistant')
    expect(ownFieldName({ option: '', storyContent: content, blockUid: 'root', model: '' })).toBeUndefined()
  })
})
