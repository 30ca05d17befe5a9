import { describe, expect, it } from 'vitest'
import { validateChange } from '../../../proxy/story/validateChange.ts'
import { writableFields, type WritableField } from '../../../proxy/story/writableFields.ts'
import { component, demo } from './demo.ts'
import { loadMarkdownToRichtext } from '../../../proxy/adapters/markdownToRichtext.ts'

// The proxy loads the converter at its edge and passes it in; these tests do the same, once.
const markdownToRichtext = await loadMarkdownToRichtext()

const { components } = demo()
const field = (c: string, name: string): WritableField =>
  writableFields(component(components, c)).find((f) => f.name === name)!

describe('validateChange', () => {
  it('enforces max_length on text (article headline: 70)', () => {
    const headline = field('article-page', 'headline')
    expect(validateChange(headline, 'Short and sweet')).toEqual({
      ok: true,
      key: 'headline',
      language: 'default',
      value: 'Short and sweet',
    })
    const tooLong = validateChange(headline, 'x'.repeat(71))
    expect(tooLong).toEqual({ ok: false, reason: '"Headline" allows at most 70 characters (got 71)' })
  })

  it('keeps text single-line and rejects non-text', () => {
    expect(validateChange(field('hero-section', 'headline'), 'Two\nlines')).toMatchObject({
      ok: true,
      value: 'Two lines',
    })
    expect(validateChange(field('hero-section', 'headline'), { a: 1 })).toMatchObject({ ok: false })
  })

  it('accepts only allowed option values', () => {
    const color = field('hero-section', 'text_color')
    expect(validateChange(color, 'dark')).toMatchObject({ ok: true, value: 'dark' })
    expect(validateChange(color, 'purple')).toEqual({
      ok: false,
      reason: '"Text color" must be one of "light", "dark"',
    })
  })

  it('stores numbers as strings and booleans as booleans', () => {
    const price = field('price-card', 'price')
    expect(validateChange(price, 49)).toMatchObject({ ok: true, value: '49' })
    expect(validateChange(price, '9.99')).toMatchObject({ ok: true, value: '9.99' })
    expect(validateChange(price, 'cheap')).toMatchObject({ ok: false })
    const popular = field('price-card', 'most_popular')
    expect(validateChange(popular, true)).toMatchObject({ ok: true, value: true })
    expect(validateChange(popular, 'false')).toMatchObject({ ok: true, value: false })
    expect(validateChange(popular, 'yes')).toMatchObject({ ok: false })
  })

  it('checks datetime format and calendar', () => {
    const when: WritableField = {
      name: 'starts',
      type: 'datetime',
      label: 'Starts',
      required: true,
      translatable: false,
    }
    expect(validateChange(when, '2026-11-25 14:30')).toMatchObject({ ok: true })
    expect(validateChange(when, '2026-02-30 14:30')).toMatchObject({ ok: false })
    expect(validateChange(when, '25.11.2026')).toMatchObject({ ok: false })
    expect(validateChange(when, '')).toEqual({ ok: false, reason: '"Starts" is required and cannot be empty' })
  })

  it('converts Markdown to Storyblok richtext keeping headings, lists, links, bold and italic', () => {
    const text = field('article-page', 'text')
    const result = validateChange(
      text,
      '## Why\n\nWe **ship** *fast*. [Docs](https://example.com/docs)\n\n- one\n- two\n\n1. first',
      { markdownToRichtext },
    )
    expect(result.ok).toBe(true)
    const json = JSON.stringify(result.value)
    expect(result.value).toMatchObject({ type: 'doc' })
    expect(json).toContain('"type":"heading","attrs":{"level":2')
    expect(json).toContain('"marks":[{"type":"bold"}],"text":"ship"')
    expect(json).toContain('"marks":[{"type":"italic"}],"text":"fast"')
    expect(json).toContain('"href":"https://example.com/docs"')
    expect(json).toContain('"type":"bullet_list"')
    expect(json).toContain('"type":"ordered_list"')
  })

  it('refuses richtext formatting the field toolbar does not allow', () => {
    const below = field('price-card', 'text_below_button') // toolbar: list only
    expect(validateChange(below, '- a\n- b', { markdownToRichtext })).toMatchObject({ ok: true })
    expect(validateChange(below, '## Heading', { markdownToRichtext })).toEqual({
      ok: false,
      reason: '"Text below button": this field does not allow heading level 2',
    })
    expect(
      validateChange(field('article-page', 'text'), '![x](https://e.com/x.png)', { markdownToRichtext }),
    ).toMatchObject({ ok: false })
    expect(
      validateChange(field('article-page', 'text'), { type: 'doc', content: [{ type: 'blok', attrs: {} }] }),
    ).toMatchObject({ ok: false })
  })

  it('targets field__i18n__lang for translatable fields and refuses a language elsewhere', () => {
    expect(validateChange(field('article-page', 'teaser'), 'Hallo', { language: 'de' })).toEqual({
      ok: true,
      key: 'teaser__i18n__de',
      language: 'de',
      value: 'Hallo',
    })
    expect(validateChange(field('hero-section', 'text_color'), 'dark', { language: 'de' })).toEqual({
      ok: false,
      reason: '"Text color" is not translatable, so it has no de version',
    })
  })

  it('removes a value only when allowed (undo of a field that did not exist)', () => {
    expect(validateChange(field('article-page', 'teaser'), null)).toMatchObject({ ok: false })
    expect(validateChange(field('article-page', 'teaser'), null, { allowRemove: true })).toMatchObject({
      ok: true,
      value: undefined,
    })
  })
})
