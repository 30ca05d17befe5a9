import { describe, expect, it } from 'vitest'
import { writableField, writableFields } from '../../../proxy/story/writableFields.ts'
import { component, demo } from './demo.ts'

const { components } = demo()
const names = (c: string) => writableFields(component(components, c)).map((f) => f.name)

describe('writableFields (real demo-space schemas)', () => {
  it('article-page: text, textarea and richtext are writable; asset and story-sourced options are not', () => {
    expect(names('article-page')).toEqual(['headline', 'subheadline', 'teaser', 'text'])
    const headline = writableFields(component(components, 'article-page'))[0]
    expect(headline).toMatchObject({ type: 'text', maxLength: 70, translatable: true, required: false })
  })

  it('never offers assets, multilinks, plugins, tabs, sections or bloks', () => {
    const banner = names('banner')
    expect(banner).toEqual(['headline', 'subheadline', 'full_width'])
    for (const hidden of [
      'background_image',
      'background_video',
      'background_color',
      'background_blur',
      'buttons',
      'overlay',
    ]) {
      expect(banner).not.toContain(hidden)
    }
    expect(names('button')).not.toContain('link')
    expect(names('site-config').some((n) => n.startsWith('tab-'))).toBe(false)
    expect(names('complex-hero-section')).not.toContain('images')
  })

  it('options only with schema-listed values; datasource-sourced options are not writable', () => {
    const hero = writableFields(component(components, 'hero-section'))
    expect(hero.find((f) => f.name === 'text_color')?.options).toEqual(['light', 'dark'])
    expect(hero.find((f) => f.name === 'overlay')).toBeUndefined()
    // text_color of banner lists options but takes them from the "colors" datasource.
    expect(writableField('text_color', component(components, 'banner').schema['text_color'])).toBeUndefined()
  })

  it('number, boolean and richtext toolbar rules come from the schema', () => {
    const price = writableFields(component(components, 'price-card'))
    expect(price.find((f) => f.name === 'price')?.type).toBe('number')
    expect(price.find((f) => f.name === 'most_popular')?.type).toBe('boolean')
    expect(price.find((f) => f.name === 'text_below_button')?.toolbar).toEqual(['list'])
  })

  it('reserved keys are never writable even if a schema names them', () => {
    expect(writableField('_uid', { type: 'text' })).toBeUndefined()
    expect(writableField('component', { type: 'text' })).toBeUndefined()
    expect(writableField('_editable', { type: 'text' })).toBeUndefined()
    expect(writableField('when', { type: 'datetime' })?.type).toBe('datetime')
  })
})
