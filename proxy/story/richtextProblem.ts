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
    if (marks === undefined) return undefined
    if (!Array.isArray(marks)) return 'richtext marks must be a list'
    for (const mark of marks) {
      const markType = isRecord(mark) ? mark['type'] : undefined
      if (typeof markType !== 'string' || !MARKS.has(markType))
        return `richtext mark "${String(markType)}" cannot be written by the assistant`
      const markKey = toolbarKey(markType, undefined)
      if (toolbar && markKey && !toolbar.includes(markKey)) return `this field does not allow ${markType}`
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
