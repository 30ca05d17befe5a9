/**
 * Richtext from the model (Markdown or JSON) is checked attribute by attribute: what Storyblok's renderers would
 * output as given (href, custom attributes, unknown keys) must be safe before the proxy stores it.
 */
import { describe, expect, it } from 'vitest'
import { markdownToRichtext } from '../../../proxy/adapters/markdownItToRichtext.ts'
import { richtextProblem } from '../../../proxy/story/richtextProblem.ts'
import { validateChange } from '../../../proxy/story/validateChange.ts'
import { writableFields, type WritableField } from '../../../proxy/story/writableFields.ts'
import { demo } from '../core/demo.ts'

const { components } = demo()
const richtextField = (): WritableField => {
  for (const c of components) {
    const f = writableFields(c).find((w) => w.type === 'richtext' && !w.toolbar)
    if (f) return f
  }
  throw new Error('the demo space has no richtext field without a toolbar')
}

const doc = (...content: unknown[]) => ({ type: 'doc', content: [{ type: 'paragraph', content }] })
const linked = (attrs: Record<string, unknown>) =>
  doc({ type: 'text', text: 'click', marks: [{ type: 'link', attrs: { linktype: 'url', ...attrs } }] })

describe('richtext safety', () => {
  it.each([
    'https://example.com/a?b=c#d',
    'http://example.com',
    'mailto:team@example.com',
    'tel:+49 30 1234-56',
    '#contact',
    '/en/blog/autumn-sale',
  ])('accepts a link to %s', (href) => {
    expect(richtextProblem(linked({ href }))).toBeUndefined()
  })

  it.each([
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    ' javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    'file:///etc/passwd',
    '//evil.example/phish',
    'https://exa mple.com',
    '',
  ])('refuses a link to %j', (href) => {
    expect(richtextProblem(linked({ href }))).toMatch(/links may point only to/)
  })

  it('refuses custom attributes, unknown attributes and unknown keys on nodes and marks', () => {
    expect(richtextProblem(linked({ href: 'https://a.b', custom: { onclick: 'alert(1)' } }))).toMatch(/custom/)
    expect(richtextProblem(linked({ href: 'https://a.b', custom: { rel: 'nofollow' } }))).toMatch(/custom/)
    expect(richtextProblem(linked({ href: 'https://a.b', target: '_top' }))).toMatch(/target/)
    expect(richtextProblem(linked({ href: 'https://a.b', linktype: 'javascript' }))).toMatch(/linktype/)
    expect(richtextProblem(linked({ href: 'https://a.b', style: 'x' }))).toMatch(/"style"/)
    expect(richtextProblem(doc({ type: 'text', text: 'x', marks: [{ type: 'link' }] }))).toMatch(/href/)
    expect(richtextProblem(doc({ type: 'text', text: 'x', marks: [{ type: 'bold', attrs: { class: 'x' } }] }))).toMatch(
      /"class"/,
    )
    expect(richtextProblem(doc({ type: 'text', text: 'x', onclick: 'alert(1)' }))).toMatch(/onclick/)
    expect(
      richtextProblem({ type: 'doc', content: [{ type: 'paragraph', attrs: { textAlign: 'center', id: 'x' } }] }),
    ).toMatch(/"id"/)
    expect(richtextProblem({ type: 'doc', content: [{ type: 'heading', attrs: { level: 9 } }] })).toMatch(/level/)
    expect(
      richtextProblem({ type: 'doc', content: [{ type: 'code_block', attrs: { class: 'x" onload="alert(1)' } }] }),
    ).toMatch(/class/)
  })

  it('refuses unknown node and mark types, images and embedded bloks', () => {
    expect(richtextProblem(doc({ type: 'text', text: 'x', marks: [{ type: 'styled' }] }))).toMatch(/styled/)
    expect(richtextProblem({ type: 'doc', content: [{ type: 'image', attrs: { src: 'https://a/b.png' } }] })).toMatch(
      /image/,
    )
    expect(richtextProblem({ type: 'doc', content: [{ type: 'blok', attrs: { body: [] } }] })).toMatch(/blok/)
    expect(richtextProblem({ type: 'doc', content: [{ type: 'iframe' }] })).toMatch(/iframe/)
  })

  it('keeps everything the Markdown converter makes for ordinary writing', () => {
    const markdown =
      '## Autumn sale\n\n**Up to 30 %** off, *this week*. [Shop now](https://example.com/shop "Shop")\n\n' +
      '- one\n- two\n\n3. three\n\n> quote\n\n```js\nx\n```\n\n---\n\nMail [us](mailto:a@b.c) or call [here](tel:+4930123)'
    expect(richtextProblem(markdownToRichtext(markdown))).toBeUndefined()
  })

  it('on the Markdown path: a dangerous link is never stored as a link, a protocol-relative one is refused', () => {
    const field = richtextField()
    const js = validateChange(field, 'Click [here](javascript:alert(1))', { markdownToRichtext })
    expect(JSON.stringify(js)).not.toMatch(/"href"/)
    const relative = validateChange(field, 'Click [here](//evil.example/phish)', { markdownToRichtext })
    expect(relative).toMatchObject({ ok: false, reason: expect.stringMatching(/links may point only to/) })
  })

  it('on the JSON path: the same rules', () => {
    const field = richtextField()
    const result = validateChange(field, linked({ href: 'javascript:alert(1)' }), { markdownToRichtext })
    expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(/links may point only to/) })
  })
})
