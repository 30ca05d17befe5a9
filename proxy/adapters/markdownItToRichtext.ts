/**
 * Markdown → Storyblok richtext, straight from markdown-it's token stream.
 *
 * Storyblok's own converter (@storyblok/richtext/markdown-parser) renders Markdown to HTML with markdown-it and
 * parses that HTML back with Tiptap in happy-dom: ~70 MB of dependencies (emojibase, happy-dom, ProseMirror) and
 * ~0.4 s to load, for a proxy that writes only the nodes and marks of richtextProblem.ts. This reads the same
 * markdown-it tokens (same options) into the same JSON; test/unit/story/markdownToRichtext.test.ts keeps the
 * official converter as the oracle over a corpus and generated documents. Loaded on first need
 * (./markdownToRichtext.ts): markdown-it is a third of the compiled main chunk, and /health should not wait for it.
 */
import MarkdownIt from 'markdown-it'
import type Token from 'markdown-it/lib/token.mjs'
import type { MarkdownToRichtext } from '../story/markdownToRichtext.ts'

type Mark = { type: string; attrs?: Record<string, unknown> }
type RichNode = { type: string; attrs?: Record<string, unknown>; content?: RichNode[]; text?: string; marks?: Mark[] }

// The official converter's markdown-it options: soft line breaks become hard breaks, bare URLs become links.
const md = new MarkdownIt({ html: false, linkify: true, typographer: true, breaks: true })

// Tiptap orders a text node's marks by extension priority (Link is 1000, the rest 100), then by registration.
const MARK_RANK = ['link', 'bold', 'italic', 'strike', 'underline', 'code', 'superscript', 'subscript']
const rank = (m: Mark) => MARK_RANK.indexOf(m.type)

const INLINE_MARKS: Record<string, string> = { strong: 'bold', em: 'italic', s: 'strike' }

const BLOCKS: Record<string, (t: Token) => RichNode> = {
  paragraph: () => ({ type: 'paragraph', attrs: { textAlign: null } }),
  heading: (t) => ({ type: 'heading', attrs: { level: Number(t.tag.slice(1)), textAlign: null } }),
  bullet_list: () => ({ type: 'bullet_list' }),
  ordered_list: (t) => ({ type: 'ordered_list', attrs: { order: Number(t.attrGet('start') ?? 1) } }),
  list_item: () => ({ type: 'list_item' }),
  blockquote: () => ({ type: 'blockquote' }),
  table: () => ({ type: 'table' }),
  tr: () => ({ type: 'tableRow' }),
  th: () => ({ type: 'tableHeader', attrs: { colspan: 1, rowspan: 1, colwidth: null } }),
  td: () => ({ type: 'tableCell', attrs: { colspan: 1, rowspan: 1, colwidth: null, backgroundColor: null } }),
}

/** A link's title is dropped on purpose: richtextProblem refuses `custom` attributes (the official keeps it there). */
function linkMark(t: Token): Mark {
  return {
    type: 'link',
    attrs: {
      href: t.attrGet('href'),
      uuid: null,
      anchor: null,
      target: null,
      linktype: 'url',
      custom: {},
    },
  }
}

function append(into: RichNode, node: RichNode) {
  ;(into.content ??= []).push(node)
}

/** Inline tokens → text and hard_break nodes; adjacent text with the same marks is one node, as in Tiptap. */
function inline(children: Token[], into: RichNode) {
  const marks: Mark[] = []
  const text = (value: string, extra?: Mark) => {
    if (!value) return
    const all = (extra ? [...marks, extra] : [...marks])
      .filter((m) => m.type !== 'no_link')
      .sort((a, b) => rank(a) - rank(b))
    const last = into.content?.at(-1)
    if (last?.type === 'text' && JSON.stringify(last.marks ?? []) === JSON.stringify(all)) {
      last.text += value
      return
    }
    append(into, all.length ? { type: 'text', marks: all, text: value } : { type: 'text', text: value })
  }
  for (const t of children) {
    switch (t.type) {
      case 'text':
      case 'text_special':
        text(t.content)
        break
      case 'softbreak':
      case 'hardbreak':
        append(into, { type: 'hard_break' })
        break
      case 'code_inline':
        text(t.content, { type: 'code' })
        break
      case 'link_open':
        // Tiptap's link rule drops an anchor without an href; markdown-it has already refused javascript: and kin.
        marks.push(t.attrGet('href') ? linkMark(t) : { type: 'no_link' })
        break
      case 'image':
        // Tiptap lifts an image out of its paragraph; the proxy refuses image nodes either way (richtextProblem).
        append(into, { type: 'image', attrs: { src: t.attrGet('src'), alt: t.content } })
        break
      default: {
        const name = t.type.replace(/_(open|close)$/, '')
        const mark = INLINE_MARKS[name]
        if (name === 'link')
          marks.splice(
            marks.findLastIndex((m) => m.type === 'link' || m.type === 'no_link'),
            1,
          )
        else if (mark && t.nesting === -1) marks.splice(marks.map((m) => m.type).lastIndexOf(mark), 1)
        else if (mark && t.nesting === 1) marks.push({ type: mark })
      }
    }
  }
}

/** Collapses whitespace as an HTML parser would outside <pre>: the official converter goes through HTML. */
function collapseWhitespace(node: RichNode) {
  const content = node.content
  if (!content) return
  for (const child of content)
    if (child.type === 'text' && child.text) child.text = child.text.replace(/[ \t\n\r\f]+/g, ' ')
  const first = content[0]
  const last = content.at(-1)
  if (first?.type === 'text') first.text = first.text!.replace(/^ /, '')
  if (last?.type === 'text') last.text = last.text!.replace(/ $/, '')
  node.content = content.filter((c) => c.type !== 'text' || c.text)
  if (!node.content.length) delete node.content
}

export const markdownToRichtext: MarkdownToRichtext = (markdown) => {
  const doc: RichNode = { type: 'doc' }
  const stack: RichNode[] = [doc]
  const top = () => stack[stack.length - 1]!
  for (const t of md.parse(markdown, {})) {
    const name = t.type.replace(/_(open|close)$/, '')
    if (t.nesting === 1 && BLOCKS[name]) {
      const node = BLOCKS[name](t)
      append(top(), node)
      stack.push(node)
    } else if (t.nesting === -1 && BLOCKS[name]) {
      stack.pop()
    } else if (t.type === 'inline') {
      // Table cells hold paragraphs in Storyblok's schema; markdown-it puts the text in the cell itself.
      let parent = top()
      if (parent.type === 'tableHeader' || parent.type === 'tableCell') {
        const paragraph: RichNode = { type: 'paragraph', attrs: { textAlign: null } }
        append(parent, paragraph)
        parent = paragraph
      }
      inline(t.children ?? [], parent)
      collapseWhitespace(parent)
    } else if (t.type === 'fence' || t.type === 'code_block') {
      const lang = t.info.trim().split(/\s+/)[0]
      append(top(), {
        type: 'code_block',
        attrs: { class: lang ? `language-${lang}` : null },
        ...(t.content ? { content: [{ type: 'text', text: t.content }] } : {}),
      })
    } else if (t.type === 'hr') {
      append(top(), { type: 'horizontal_rule' })
    }
    // thead/tbody wrappers and anything else markdown-it emits carry no node of their own.
  }
  if (!doc.content) doc.content = [{ type: 'paragraph', attrs: { textAlign: null } }]
  return doc
}
