import { isRecord } from '../../shared/isRecord.ts'

// Storyblok stores richtext with snake_case node types (what the proxy writes and the Management API returns).
const BLOCK_NODES = new Set(['paragraph', 'heading', 'blockquote', 'code_block', 'horizontal_rule'])
const LIST_NODES: Record<string, 'bullet' | 'ordered'> = { bullet_list: 'bullet', ordered_list: 'ordered' }

/** Storyblok richtext JSON → readable plain text: blocks on their own lines, list items bulleted or numbered. */
export function richtextToText(doc: unknown): string {
  const lines: string[] = []
  let current = ''
  const flush = () => {
    if (current.trim()) lines.push(current.trimEnd())
    current = ''
  }
  const walkChildren = (node: Record<string, unknown>, marker: () => string) => {
    const content = node['content']
    if (Array.isArray(content)) for (const child of content) walk(child, marker)
  }
  const walk = (node: unknown, marker: () => string): void => {
    if (!isRecord(node)) return
    const type = typeof node['type'] === 'string' ? node['type'] : ''
    if (type === 'text' && typeof node['text'] === 'string') {
      current += node['text']
      return
    }
    if (type === 'hard_break') {
      current += ' '
      return
    }
    if (type === 'blok') {
      flush()
      lines.push('[…]')
      return
    }
    const list = LIST_NODES[type]
    if (list) {
      let n = 0
      return walkChildren(node, () => (list === 'bullet' ? '• ' : `${++n}. `))
    }
    if (type === 'list_item') {
      flush()
      current = marker()
      // A list item's paragraph continues the item's line instead of starting a new one.
      const content = node['content']
      if (Array.isArray(content))
        for (const child of content) {
          if (isRecord(child) && child['type'] === 'paragraph') walkChildren(child, marker)
          else walk(child, marker)
        }
      return flush()
    }
    if (BLOCK_NODES.has(type)) {
      flush()
      walkChildren(node, marker)
      return flush()
    }
    walkChildren(node, marker)
  }
  walk(doc, () => '')
  flush()
  return lines.join('\n')
}

/** Plain text → a minimal richtext doc of paragraphs (what an edited richtext change becomes). */
export function textToRichtext(text: string): Record<string, unknown> {
  const paragraphs = text
    .split(/\n{2,}|\n/)
    .map((p) => p.trim())
    .filter(Boolean)
  return { type: 'doc', content: paragraphs.map((p) => ({ type: 'paragraph', content: [{ type: 'text', text: p }] })) }
}

/**
 * Every link target in a richtext document, once each: the readable text shows only the link text. In Storyblok
 * richtext only a link mark's attrs carry `href`, so the serialised document is searched (smaller than a walk).
 */
export const linkTargets = (doc: unknown): string[] => [
  ...new Set(
    JSON.stringify(doc ?? null)
      .match(/"href":"(?:[^"\\]|\\.)*"/g)
      ?.map((m) => JSON.parse(m.slice(7)) as string),
  ),
]

export function isRichtext(v: unknown): boolean {
  return isRecord(v) && v['type'] === 'doc'
}

/** Any field value as the text the editor reads in a diff. */
export function valueToText(value: unknown, fieldType?: string): string {
  if (value === undefined || value === null || value === '') return ''
  if (fieldType === 'richtext' || isRichtext(value)) return richtextToText(value)
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (Array.isArray(value) && value.every((x) => typeof x === 'string')) return value.join(', ')
  return JSON.stringify(value)
}

/** The editor's text back into a value of the change's field type. */
export function valueFromText(text: string, fieldType: string, previous: unknown): unknown {
  if (fieldType === 'richtext' || isRichtext(previous)) return textToRichtext(text)
  if (fieldType === 'boolean') return /^(true|yes|ja|1)$/i.test(text.trim())
  if (fieldType === 'options' || Array.isArray(previous))
    return text
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
  // Storyblok stores numbers as strings, so number fields stay strings too.
  return text
}
