/**
 * The proxy's Markdown → richtext converter against Storyblok's own (@storyblok/richtext/markdown-parser, kept as a
 * dev dependency for exactly this): the same JSON for everything the proxy may write, and a refusal by
 * richtextProblem wherever the official output would be refused too (images, tables).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { markdownToStoryblokRichtext } from '@storyblok/richtext/markdown-parser'
import { markdownToRichtext } from '../../../proxy/adapters/markdownItToRichtext.ts'
import { richtextProblem } from '../../../proxy/story/richtextProblem.ts'

// The official converter warns on every `<ol start>` it meets; the warning is not what is compared here. It keeps a
// link's title in `custom`, which the proxy refuses to write (richtextProblem): the one deliberate difference.
const official = (markdown: string): unknown => {
  const warn = console.warn
  console.warn = () => {}
  try {
    return JSON.parse(JSON.stringify(markdownToStoryblokRichtext(markdown)), (key, value: unknown) =>
      key === 'custom' ? {} : value,
    )
  } finally {
    console.warn = warn
  }
}

const CORPUS = [
  '',
  'Plain text.',
  '# Title\n\nHello **bold** and *it* and ~~s~~ and `code` [link](https://x.y "t")',
  '- a\n- b **c**\n\n1. one\n2. two',
  '3. three\n4. four',
  '> quote\n> more\n\n> second',
  '```js\nconst a = 1\n```\n\n```\nno language\n```',
  '    indented code',
  'line1  \nline2\nline3',
  'above\n\n---\n\nbelow',
  '<b>html</b> &amp; x &copy; &#169;',
  '***bi*** _u_ __b__ **[bold link](https://a.b)** [**link bold**](https://a.b)',
  '- [ ] task',
  'a\n\n\nb',
  '## H2 *x*\n###### h6',
  '- a\n  - nested\n    1. deeper\n- b',
  '- loose\n\n- list',
  'http://auto.link and www.example.com and mail@example.com',
  '<https://a.b> <mailto:a@b.c>',
  'x<sup>2</sup> H~2~O ==hi==',
  '"Smart quotes" -- and --- dashes... (c) (tm)',
  'Ünïcödé 🎉 emoji :smile: and 中文',
  'trailing spaces   \n\n   leading spaces',
  'a *b **c** d* e',
  '`` code with ` backtick ``',
  '[empty]() [rel](/relative) [anchor](#top)',
  '[js](javascript:alert(1)) [vb](vbscript:x) [data](data:text/html,x) [tel](tel:+4930123)',
  '> - list in quote\n> - two',
  '1) paren list\n2) two',
  'Heading\n=======\n\nSub\n---',
  '\\*escaped\\* \\# not heading',
  '**Autumn sale** starts *today*: up to **30 %** off.\n\nVisit our [shop](https://example.com/shop).',
]

describe('markdownToRichtext', () => {
  it.each(CORPUS)('matches the official converter: %j', (markdown) => {
    expect(markdownToRichtext(markdown)).toEqual(official(markdown))
  })

  it('refuses what the official converter produces and the proxy does not write (images, tables)', () => {
    for (const markdown of ['![img](http://a/b.png)', 'text ![i](x.png) more', '| a | b |\n|---|---|\n| 1 | 2 |']) {
      expect(richtextProblem(official(markdown))).toBeDefined()
      expect(richtextProblem(markdownToRichtext(markdown))).toBeDefined()
    }
  })

  it('matches the official converter on generated documents', () => {
    const word = fc.constantFrom('autumn', 'sale', 'Hello', 'über', '30 %', 'a-b', '"q"', "it's", '&', '<i>', 'x_y')
    const inline = fc
      .array(
        fc.oneof(
          word,
          word.map((w) => `**${w}**`),
          word.map((w) => `*${w}*`),
          word.map((w) => `~~${w}~~`),
          word.map((w) => `\`${w}\``),
          word.map((w) => `[${w}](https://example.com/${encodeURIComponent(w)})`),
          fc.constant('https://example.org/page'),
        ),
        { minLength: 1, maxLength: 6 },
      )
      .map((parts) => parts.join(' '))
    const block = fc.oneof(
      inline,
      fc.tuple(fc.integer({ min: 1, max: 6 }), inline).map(([n, t]) => `${'#'.repeat(n)} ${t}`),
      fc.array(inline, { minLength: 1, maxLength: 3 }).map((items) => items.map((i) => `- ${i}`).join('\n')),
      fc
        .tuple(fc.integer({ min: 1, max: 9 }), fc.array(inline, { minLength: 1, maxLength: 3 }))
        .map(([start, items]) => items.map((i, n) => `${start + n}. ${i}`).join('\n')),
      inline.map((t) => `> ${t}`),
      fc.array(inline, { minLength: 2, maxLength: 3 }).map((lines) => lines.join('\n')),
      fc.constant('---'),
      word.map((w) => '```\n' + w + '\n```'),
    )
    fc.assert(
      fc.property(fc.array(block, { minLength: 1, maxLength: 5 }), (blocks) => {
        const markdown = blocks.join('\n\n')
        expect(markdownToRichtext(markdown)).toEqual(official(markdown))
      }),
      { numRuns: 200 },
    )
    // The official converter parses HTML in happy-dom: ~10 ms a document alone, far more on a loaded CI machine.
  }, 120_000)
})
