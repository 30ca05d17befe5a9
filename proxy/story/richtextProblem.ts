import { isRecord } from '../../shared/isRecord.ts'

/** Node types the proxy writes; everything else (images, embedded bloks, tables) needs the editor's own tools. */
const NODES: ReadonlySet<string> = new Set([
  'doc',
  'paragraph',
  'heading',
  'text',
  'bullet_list',
  'ordered_list',
  'list_item',
  'blockquote',
  'hard_break',
  'code_block',
  'horizontal_rule',
])
const MARKS: ReadonlySet<string> = new Set([
  'bold',
  'italic',
  'link',
  'strike',
  'underline',
  'code',
  'superscript',
  'subscript',
])

const NODE_KEYS = new Set(['type', 'content', 'text', 'marks', 'attrs'])
const TEXT_ALIGN = new Set([null, 'left', 'center', 'right', 'justify'])
// What a link may point at: the web, mail, phone, an anchor on the page, or a Storyblok story (path or uuid).
// Anything else (javascript:, data:, vbscript:, file:, protocol-relative //host) is refused: Storyblok's renderers
// output href as given, and the preview would only show the link text.
const SAFE_HREF = /^(https?:\/\/[^\s]+|mailto:[^\s]+|tel:[+\d][\d\s().-]*|#[\w.:-]*|\/(?!\/)[^\s]*)$/i
const LINK_TYPES = new Set(['url', 'story', 'email', 'asset'])
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

const isNullish = (v: unknown) => v === undefined || v === null
const plainString = (v: unknown, max: number) => typeof v === 'string' && v.length <= max && !/[\u0000-\u001f]/.test(v)

/**
 * Attribute rules per node and mark type: each allowed attribute with its check. Attributes not listed are refused,
 * so a model (or a forged request) cannot smuggle `custom` attributes or event handlers into stored richtext.
 */
const NODE_ATTRS: Record<string, Record<string, (v: unknown) => boolean>> = {
  paragraph: { textAlign: (v) => TEXT_ALIGN.has((v ?? null) as string | null) },
  heading: {
    level: (v) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 6,
    textAlign: (v) => TEXT_ALIGN.has((v ?? null) as string | null),
  },
  ordered_list: { order: (v) => isNullish(v) || (Number.isInteger(v) && (v as number) >= 0 && (v as number) < 1e6) },
  code_block: { class: (v) => isNullish(v) || (typeof v === 'string' && /^language-[\w+#.-]{1,40}$/.test(v)) },
}
const MARK_ATTRS: Record<string, Record<string, (v: unknown) => boolean>> = {
  link: {
    href: (v) => typeof v === 'string' && v.length <= 2048 && SAFE_HREF.test(v),
    uuid: (v) => isNullish(v) || (typeof v === 'string' && UUID.test(v)),
    anchor: (v) => isNullish(v) || (plainString(v, 200) && /^[\w.:-]*$/.test(v as string)),
    target: (v) => isNullish(v) || v === '_blank' || v === '_self',
    linktype: (v) => isNullish(v) || LINK_TYPES.has(v as string),
    // Storyblok keeps extra <a> attributes here (rel, title, data-*); none may be written by the assistant.
    custom: (v) => isNullish(v) || (isRecord(v) && Object.keys(v).length === 0),
  },
}

function attrsProblem(
  what: string,
  attrs: unknown,
  rules: Record<string, (v: unknown) => boolean> | undefined,
): string | undefined {
  if (attrs === undefined || attrs === null) return undefined
  if (!isRecord(attrs)) return `richtext ${what} attributes must be an object`
  for (const [name, value] of Object.entries(attrs)) {
    const check = rules?.[name]
    if (!check) return `richtext ${what} cannot carry the attribute "${name.slice(0, 40)}"`
    if (!check(value)) {
      return name === 'href'
        ? `links may point only to http(s), mailto, tel, #anchors or story paths (got ${JSON.stringify(String(value).slice(0, 80))})`
        : `richtext ${what} has an invalid "${name}"`
    }
  }
  return undefined
}

/** Which toolbar button a node or mark needs when the schema customises the toolbar. */
function toolbarKey(type: string, attrs: Record<string, unknown> | undefined): string | undefined {
  switch (type) {
    case 'heading':
      return `h${Number(attrs?.['level']) || 1}`
    case 'bullet_list':
      return 'list'
    case 'ordered_list':
      return 'olist'
    case 'blockquote':
      return 'quote'
    case 'code_block':
      return 'code'
    case 'horizontal_rule':
      return 'hrule'
    case 'code':
      return 'inlinecode'
    case 'bold':
    case 'italic':
    case 'link':
    case 'strike':
    case 'underline':
    case 'superscript':
    case 'subscript':
      return type
    default:
      return undefined
  }
}

type Node = { type?: unknown; text?: unknown; marks?: unknown; attrs?: unknown }

/** Depth-first over a richtext document: the first problem `nodeProblem` reports, or undefined. */
function firstProblem(doc: unknown, nodeProblem: (node: unknown) => string | undefined): string | undefined {
  if (!isRecord(doc) || doc['type'] !== 'doc') return 'richtext must be a document ({"type":"doc","content":[…]})'
  const visit = (node: unknown, depth: number): string | undefined => {
    if (depth > 20) return 'richtext is nested too deeply'
    const problem = nodeProblem(node)
    if (problem) return problem
    const content = isRecord(node) ? node['content'] : undefined
    if (content === undefined) return undefined
    if (!Array.isArray(content)) return 'richtext content must be a list'
    for (const child of content) {
      const childProblem = visit(child, depth + 1)
      if (childProblem) return childProblem
    }
    return undefined
  }
  return visit(doc, 0)
}

/** The first structural problem of a Storyblok richtext document, or undefined when it is writable. */
export function richtextProblem(doc: unknown, toolbar?: readonly string[]): string | undefined {
  return firstProblem(doc, (node) => {
    if (!isRecord(node)) return 'richtext nodes must be objects'
    const { type, marks, text, attrs } = node as Node
    if (typeof type !== 'string' || !NODES.has(type))
      return `richtext node "${String(type)}" cannot be written by the assistant`
    const attrMap = isRecord(attrs) ? attrs : undefined
    const key = toolbarKey(type, attrMap)
    if (toolbar && key && !toolbar.includes(key))
      return `this field does not allow ${type === 'heading' ? `heading level ${String(attrMap?.['level'])}` : type.replace('_', ' ')}`
    if (type === 'text' && (typeof text !== 'string' || text === '')) return 'richtext text nodes need non-empty text'
    const extra = Object.keys(node).find((k) => !NODE_KEYS.has(k))
    if (extra) return `richtext nodes cannot carry "${extra.slice(0, 40)}"`
    const nodeAttrs = attrsProblem(type.replace('_', ' '), attrs, NODE_ATTRS[type])
    if (nodeAttrs) return nodeAttrs
    if (marks === undefined) return undefined
    if (!Array.isArray(marks)) return 'richtext marks must be a list'
    for (const mark of marks) {
      const markType = isRecord(mark) ? mark['type'] : undefined
      if (typeof markType !== 'string' || !MARKS.has(markType))
        return `richtext mark "${String(markType)}" cannot be written by the assistant`
      const markKey = toolbarKey(markType, undefined)
      if (toolbar && markKey && !toolbar.includes(markKey)) return `this field does not allow ${markType}`
      const markAttrValue = isRecord(mark) ? mark['attrs'] : undefined
      if (markType === 'link' && !isRecord(markAttrValue)) return 'richtext links need an href'
      const markAttrs = attrsProblem(`${markType} mark`, markAttrValue, MARK_ATTRS[markType])
      if (markAttrs) return markAttrs
    }
    return undefined
  })
}

/** Lenient check: a document of typed nodes, without embedded bloks. */
export function richtextShapeProblem(doc: unknown): string | undefined {
  return firstProblem(doc, (node) => {
    if (!isRecord(node) || typeof node['type'] !== 'string') return 'richtext nodes must be objects with a type'
    if (node['type'] === 'blok') return 'richtext with embedded blocks cannot be written by the assistant'
    return undefined
  })
}
