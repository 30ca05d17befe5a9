type Node = { type?: unknown; text?: unknown; content?: unknown; attrs?: Record<string, unknown>; marks?: unknown }

function children(node: Node): Node[] {
  return Array.isArray(node.content) ? (node.content as Node[]).filter((n) => typeof n === 'object' && n !== null) : []
}

function inline(nodes: Node[]): string {
  return nodes
    .map((n) => {
      if (n.type === 'hard_break') return '\n'
      if (n.type !== 'text' || typeof n.text !== 'string') return inline(children(n))
      let text = n.text
      const marks = Array.isArray(n.marks) ? (n.marks as Node[]) : []
      for (const mark of marks) {
        if (mark.type === 'bold') text = `**${text}**`
        else if (mark.type === 'italic') text = `*${text}*`
        else if (mark.type === 'link' && typeof mark.attrs?.['href'] === 'string')
          text = `[${text}](${mark.attrs['href']})`
      }
      return text
    })
    .join('')
}

function block(node: Node, indent: string): string[] {
  switch (node.type) {
    case 'heading':
      return [`${'#'.repeat(Number(node.attrs?.['level']) || 2)} ${inline(children(node))}`]
    case 'paragraph':
      return [inline(children(node))]
    case 'blockquote':
      return children(node)
        .flatMap((c) => block(c, indent))
        .map((l) => `> ${l}`)
    case 'bullet_list':
    case 'ordered_list':
      return children(node).flatMap((item, i) => {
        const marker = node.type === 'ordered_list' ? `${i + 1}.` : '-'
        const lines = children(item).flatMap((c) => block(c, `${indent}  `))
        return lines.map((l, j) => (j === 0 ? `${indent}${marker} ${l}` : `${indent}  ${l}`))
      })
    case 'code_block':
      return ['```', inline(children(node)), '```']
    case 'horizontal_rule':
      return ['---']
    case 'blok':
      return ['[embedded block]']
    default:
      return [inline(children(node))]
  }
}

/**
 * Storyblok richtext → Markdown, for showing current values to Claude (who answers in Markdown).
 * Lossy by design: marks without a Markdown form (colour, highlight, …) show as plain text.
 */
export function richtextToMarkdown(doc: unknown): string {
  if (typeof doc !== 'object' || doc === null) return ''
  return children(doc as Node)
    .map((n) => block(n, '').join('\n'))
    .filter((s) => s !== '')
    .join('\n\n')
}

/** True when a richtext value holds embedded bloks, which a Markdown rewrite would destroy. */
export function hasEmbeddedBloks(doc: unknown): boolean {
  if (typeof doc !== 'object' || doc === null) return false
  const node = doc as Node
  return node.type === 'blok' || children(node).some(hasEmbeddedBloks)
}
