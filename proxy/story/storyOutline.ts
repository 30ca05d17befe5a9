import type { Blok, Component } from '../deps.ts'
import { fieldKey, isDefaultLanguage } from '../../shared/fieldKey.ts'
import { hasEmbeddedBloks, richtextToMarkdown } from './richtextToMarkdown.ts'
import { findBlok, walkBloks } from './walkBloks.ts'
import { componentLabel, writableField, type WritableField } from './writableFields.ts'

/** One block/field pair Claude may change. */
export type Target = {
  blockUid: string
  component: string
  field: WritableField
  /** Human path, e.g. "Page › Body › Tabbed Content Section “FAQ” › Entries › Tabbed Content Entry 2 › Description". */
  label: string
  /** The blok as the outline shows it (the editor's draft when sent). */
  blok: Blok
  /** The same blok in the last saved version: `before` values come from here, as the conflict check compares them. */
  saved: Blok | undefined
}

export type StoryOutline = {
  text: string
  language: string
  /** `targetKey(blockUid, field)` → target. */
  targets: Map<string, Target>
  /** Blocks with at least one writable field, in outline order, for the tool schema. */
  blocks: Array<{ uid: string; component: string; fields: string[] }>
  /** The space's schemas, to validate new nested items. */
  components: readonly Component[]
}

export type OutlineInput = {
  story: { id: number; name: string; content: Blok }
  components: readonly Component[]
  language?: string
  focus?: { blockUid: string; field?: string }
  /** The editor's unsaved content; shown instead of the saved content. */
  draft?: Blok
  /** Longest current value shown, in characters. @default 400 */
  maxValueChars?: number
}

export const targetKey = (blockUid: string, field: string): string => `${blockUid}\u0000${field}`

function shown(field: WritableField, value: unknown, max: number): string {
  if (value === undefined || value === null || value === '') return '(empty)'
  if (typeof value === 'boolean' || typeof value === 'number') return String(value)
  if (Array.isArray(value)) return JSON.stringify(value)
  const text =
    field.type === 'richtext' ? richtextToMarkdown(value) : typeof value === 'string' ? value : JSON.stringify(value)
  const cut = [...text]
  const body = cut.length > max ? `${cut.slice(0, max).join('')}… [${cut.length - max} more characters]` : text
  return field.type === 'richtext' || field.type === 'markdown' || field.type === 'textarea'
    ? `\n    ${body.replace(/\n/g, '\n    ')}`
    : JSON.stringify(body)
}

/** How Claude adds an item to a bloks list, with the fields each allowed component offers. */
function listRules(field: WritableField, count: number, components: readonly Component[]): string {
  const kinds = (field.allowed ?? []).map((name) => {
    const c = components.find((x) => x.name === name)
    const fields = c
      ? Object.entries(c.schema)
          .filter(([k, f]) => f.type !== 'bloks' && writableField(k, f))
          .map(([k]) => k)
      : []
    return `${name} (${fields.join(', ')})`
  })
  return `list of ${count} item${count === 1 ? '' : 's'}${field.maximum ? `, max ${field.maximum}` : ''}; to add ONE new item at the end use value {"component": …, "fields": {…}}; item types: ${kinds.join('; ')}`
}

function rules(field: WritableField): string {
  return [
    field.type === 'richtext' ? 'richtext, write Markdown' : field.type,
    field.type === 'number' ? 'digits as a string' : '',
    field.type === 'datetime' ? 'format "YYYY-MM-DD HH:mm"' : '',
    field.required ? 'required' : '',
    field.maxLength ? `max ${field.maxLength} chars` : '',
    field.options ? `allowed: ${field.options.map((o) => JSON.stringify(o)).join(' | ')}` : '',
    field.toolbar ? `formatting allowed: ${field.toolbar.join(', ')}` : '',
    field.translatable ? 'translatable' : '',
  ]
    .filter(Boolean)
    .join('; ')
}

/** The story as a compact, readable outline for Claude, plus the index of every writable block/field pair. */
export function storyOutline({
  story,
  components,
  language,
  focus,
  draft,
  maxValueChars = 400,
}: OutlineInput): StoryOutline {
  const lang = isDefaultLanguage(language) ? 'default' : (language as string)
  const root = draft ?? story.content
  const targets = new Map<string, Target>()
  const blocks: StoryOutline['blocks'] = []
  const lines: string[] = [
    `Story "${story.name}" (id ${story.id}). Language being edited: ${lang}.`,
    draft ? "Values are the editor's current (possibly unsaved) draft." : 'Values are the last saved version.',
    '',
  ]
  walkBloks(root, components, ({ blok, component, path }) => {
    const isFocus = focus?.blockUid === blok._uid
    const display = componentLabel(component, blok.component)
    lines.push(`## ${path.join(' › ')}  [${display}, uid ${blok._uid}]${isFocus ? '  ← EDITOR FOCUS' : ''}`)
    if (!component) {
      lines.push('(unknown component: read-only)', '')
      return
    }
    const saved = draft ? findBlok(story.content, components, blok._uid)?.blok : blok
    const writable: string[] = []
    const readOnly: string[] = []
    for (const [name, schemaField] of Object.entries(component.schema).sort(
      ([, a], [, b]) => (a.pos ?? 0) - (b.pos ?? 0),
    )) {
      if (schemaField.type === 'tab' || schemaField.type === 'section') continue
      if (schemaField.type === 'bloks') {
        const list = writableField(name, schemaField, components)
        const count = Array.isArray(blok[name]) ? (blok[name] as unknown[]).length : 0
        if (!list) continue
        if (list.maximum && count >= list.maximum) {
          readOnly.push(`${name} (list full: ${count} of max ${list.maximum})`)
          continue
        }
        writable.push(name)
        targets.set(targetKey(blok._uid, name), {
          blockUid: blok._uid,
          component: blok.component,
          field: list,
          blok,
          saved,
          label: `${path.join(' › ')} › ${list.label} › New item`,
        })
        lines.push(`- ${name} "${list.label}" (${listRules(list, count, components)})`)
        continue
      }
      const field = writableField(name, schemaField)
      const key = fieldKey(name, field?.translatable ? lang : undefined)
      if (!field || (field.type === 'richtext' && (hasEmbeddedBloks(blok[name]) || hasEmbeddedBloks(blok[key])))) {
        readOnly.push(`${name} (${schemaField.type}${field ? ', contains embedded blocks' : ''})`)
        continue
      }
      writable.push(name)
      targets.set(targetKey(blok._uid, name), {
        blockUid: blok._uid,
        component: blok.component,
        field,
        blok,
        saved,
        label: `${path.join(' › ')} › ${field.label}`,
      })
      const focusMark = isFocus && focus?.field === name ? '  ← EDITOR FOCUS' : ''
      const value =
        key === name
          ? shown(field, blok[name], maxValueChars)
          : `${shown(field, blok[key], maxValueChars)}  (default language: ${shown(field, blok[name], Math.min(120, maxValueChars))})`
      lines.push(`- ${name} "${field.label}" (${rules(field)}): ${value}${focusMark}`)
    }
    if (readOnly.length) lines.push(`(not writable: ${readOnly.join(', ')})`)
    lines.push('')
    if (writable.length) blocks.push({ uid: blok._uid, component: blok.component, fields: writable })
  })
  return { text: lines.join('\n').trimEnd(), language: lang, targets, blocks, components }
}
