import { describe, expect, it } from 'vitest'
import {
  linkTargets,
  richtextToText,
  textToRichtext,
  valueFromText,
  valueToText,
} from '../../../plugin/src/valueText.ts'

const doc = {
  type: 'doc',
  content: [
    { type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Why headless' }] },
    {
      type: 'paragraph',
      content: [
        { type: 'text', text: 'Write once, ' },
        { type: 'text', text: 'publish', marks: [{ type: 'bold' }] },
        { type: 'text', text: ' everywhere.' },
      ],
    },
    {
      type: 'bullet_list',
      content: [
        { type: 'list_item', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Web' }] }] },
        { type: 'list_item', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Apps' }] }] },
      ],
    },
    {
      type: 'ordered_list',
      content: [{ type: 'list_item', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'First' }] }] }],
    },
  ],
}

describe('values as the editor reads them', () => {
  it('renders richtext as readable lines', () => {
    expect(richtextToText(doc)).toBe('Why headless\nWrite once, publish everywhere.\n• Web\n• Apps\n1. First')
    expect(valueToText(doc, 'richtext')).toBe(richtextToText(doc))
  })

  it('renders scalars and option lists; empty is empty', () => {
    expect(valueToText('a', 'text')).toBe('a')
    expect(valueToText(['x', 'y'], 'options')).toBe('x, y')
    expect(valueToText(true, 'boolean')).toBe('true')
    expect(valueToText('', 'text')).toBe('')
  })

  it('turns edited text back into the field’s type', () => {
    expect(valueFromText('One\nTwo', 'richtext', doc)).toEqual(textToRichtext('One\nTwo'))
    expect(textToRichtext('One\nTwo')).toEqual({
      type: 'doc',
      content: [
        { type: 'paragraph', content: [{ type: 'text', text: 'One' }] },
        { type: 'paragraph', content: [{ type: 'text', text: 'Two' }] },
      ],
    })
    expect(valueFromText('a, b', 'options', [])).toEqual(['a', 'b'])
    expect(valueFromText('42', 'number', '7')).toBe('42')
  })

  it('lists every link target once, for the preview (the readable text shows only the link text)', () => {
    const link = (href: string) => ({ type: 'link', attrs: { href, linktype: 'url' } })
    const doc = {
      type: 'doc',
      content: [
        {
          type: 'paragraph',
          content: [
            { type: 'text', text: 'Shop', marks: [link('https://example.com/shop')] },
            { type: 'text', text: ' now', marks: [{ type: 'bold' }, link('https://example.com/shop')] },
            { type: 'text', text: ' or mail', marks: [link('mailto:team@example.com')] },
          ],
        },
      ],
    }
    expect(linkTargets(doc)).toEqual(['https://example.com/shop', 'mailto:team@example.com'])
    expect(richtextToText(doc)).toBe('Shop now or mail')
    expect(linkTargets({ type: 'doc', content: [{ type: 'paragraph' }] })).toEqual([])
  })
})
