import { richtextToMarkdown } from './richtextToMarkdown.ts'

const looksLikeId = (s: string) =>
  /^[0-9a-f-]{32,36}$/i.test(s) || /^(https?:|#)/.test(s) || (/^[a-z0-9_-]+$/i.test(s) && s.length < 3)
const isRichtext = (v: unknown): v is { type: 'doc' } =>
  typeof v === 'object' && v !== null && (v as { type?: unknown }).type === 'doc'
const isBlok = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && typeof (v as { component?: unknown }).component === 'string'

/**
 * A style-guide story as plain text, in field order: text, textarea and markdown values as they are, richtext as
 * Markdown, nested bloks in place. Ids, links, translations and technical keys are left out.
 */
export function styleGuideText(content: unknown, depth = 0): string {
  if (!isBlok(content) || depth > 8) return ''
  const parts: string[] = []
  for (const [key, value] of Object.entries(content)) {
    if (key.startsWith('_') || key === 'component' || key.includes('__i18n__')) continue
    if (typeof value === 'string') {
      const s = value.trim()
      if (s && !looksLikeId(s)) parts.push(s)
    } else if (isRichtext(value)) {
      const md = richtextToMarkdown(value).trim()
      if (md) parts.push(md)
    } else if (Array.isArray(value)) {
      for (const item of value) {
        const nested = styleGuideText(item, depth + 1)
        if (nested) parts.push(nested)
      }
    }
  }
  return parts.join('\n\n')
}

export const STYLE_GUIDE_MAX_CHARS = 8_000

/** Cuts at a paragraph or sentence boundary near the limit and says so, so truncation is never silent. */
export function truncateStyleGuide(text: string, max = STYLE_GUIDE_MAX_CHARS): { text: string; truncated: boolean } {
  const chars = [...text]
  if (chars.length <= max) return { text, truncated: false }
  const head = chars.slice(0, max).join('')
  const cut = Math.max(head.lastIndexOf('\n\n'), head.lastIndexOf('. ') + 1)
  const kept = (cut > max * 0.6 ? head.slice(0, cut) : head).trimEnd()
  return {
    text: `${kept}\n\n[Style guide truncated: only the first ${[...kept].length} of ${chars.length} characters are shown.]`,
    truncated: true,
  }
}
