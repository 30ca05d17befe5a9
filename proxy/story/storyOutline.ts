import type { Blok, Component } from '../deps.ts'
import { fieldKey, isDefaultLanguage } from '../../shared/fieldKey.ts'
import { hasEmbeddedBloks, richtextToMarkdown } from './richtextToMarkdown.ts'
import { walkBloks } from './walkBloks.ts'
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
  /** Longer outlines are rendered again with values cut at 80 characters. @default no limit */
  maxChars?: number
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
function listRules(field: WritableField, count: number, kinds: string): string {
  return `list of ${count} item${count === 1 ? '' : 's'}${field.maximum ? `, max ${field.maximum}` : ''}; to add ONE new item at the end use value {"component": …, "fields": {…}}; item types: ${kinds}`
}

function listKinds(field: WritableField, byName: ReadonlyMap<string, Component>): string {
  return (field.allowed ?? [])
    .map((name) => {
      const c = byName.get(name)
      const fields = c
        ? Object.entries(c.schema)
            .filter(([k, f]) => f.type !== 'bloks' && writableField(k, f))
            .map(([k]) => k)
        : []
      return `${name} (${fields.join(', ')})`
    })
    .join('; ')
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

/** One schema field as the outline treats it, worked out once per component, not once per blok. */
type FieldPlan =
  | { kind: 'list'; name: string; field: WritableField; kinds: string }
  | { kind: 'value'; name: string; field: WritableField; key: string; rules: string }
  | { kind: 'readOnly'; name: string; type: string }

function planFields(
  component: Component,
  components: readonly Component[],
  lang: string,
  byName: ReadonlyMap<string, Component>,
) {
  const plan: FieldPlan[] = []
  for (const [name, schemaField] of Object.entries(component.schema).sort(
    ([, a], [, b]) => (a.pos ?? 0) - (b.pos ?? 0),
  )) {
    if (schemaField.type === 'tab' || schemaField.type === 'section') continue
    if (schemaField.type === 'bloks') {
      const list = writableField(name, schemaField, components)
      if (list) plan.push({ kind: 'list', name, field: list, kinds: listKinds(list, byName) })
      continue
    }
    const field = writableField(name, schemaField)
    if (!field) plan.push({ kind: 'readOnly', name, type: schemaField.type })
    else
      plan.push({
        kind: 'value',
        name,
        field,
        key: fieldKey(name, field.translatable ? lang : undefined),
        rules: rules(field),
      })
  }
  return plan
}

/** A value line waits for the preview length: a long story is rendered again with shorter previews, not re-walked. */
type Line = string | { head: string; field: WritableField; value: unknown; fallback?: unknown; tail: string }

/**
 * Field plans by schema list and language. The schema list is the adapter's cached array, so plans are worked out
 * once per schema load, not once per turn; a new list (after the TTL) starts afresh and the old one is collected.
 */
const plansBySchemas = new WeakMap<readonly Component[], Map<string, Map<Component, FieldPlan[]>>>()

function planCache(components: readonly Component[], lang: string): Map<Component, FieldPlan[]> {
  let byLang = plansBySchemas.get(components)
  if (!byLang) plansBySchemas.set(components, (byLang = new Map()))
  let plans = byLang.get(lang)
  if (!plans) byLang.set(lang, (plans = new Map()))
  return plans
}

/**
 * Outlines of saved stories (no draft) by story object: the story-read cache hands every turn in its TTL the same
 * object, so its outline is built once, not once per turn. Outlines are read-only for everyone who gets one.
 */
const outlinesBySavedStory = new WeakMap<
  OutlineInput['story'],
  Map<string, { components: readonly Component[]; outline: StoryOutline }>
>()
const MAX_OUTLINES_PER_STORY = 16

/**
 * The story as a compact, readable outline for Claude, plus the index of every writable block/field pair.
 * One walk over the shown content and one over the saved content, whatever their size or depth: schemas are planned
 * once per component, saved bloks are looked up in an index. When the text passes `maxChars`, the previews are
 * rendered again at 80 characters (uids and fields stay complete).
 */
export function storyOutline(input: OutlineInput): StoryOutline {
  if (input.draft) return buildOutline(input)
  const { story, components, language, focus, maxValueChars = 400, maxChars = Number.POSITIVE_INFINITY } = input
  const key = JSON.stringify([language ?? '', focus?.blockUid ?? '', focus?.field ?? '', maxValueChars, maxChars])
  let outlines = outlinesBySavedStory.get(story)
  const hit = outlines?.get(key)
  if (hit && hit.components === components) return hit.outline
  const outline = buildOutline(input)
  if (!outlines) outlinesBySavedStory.set(story, (outlines = new Map()))
  if (outlines.size >= MAX_OUTLINES_PER_STORY) outlines.clear()
  outlines.set(key, { components, outline })
  return outline
}

function buildOutline({
  story,
  components,
  language,
  focus,
  draft,
  maxValueChars = 400,
  maxChars = Number.POSITIVE_INFINITY,
}: OutlineInput): StoryOutline {
  const lang = isDefaultLanguage(language) ? 'default' : (language as string)
  const root = draft ?? story.content
  const targets = new Map<string, Target>()
  const blocks: StoryOutline['blocks'] = []
  const byName = new Map(components.map((c) => [c.name, c]))
  const plans = planCache(components, lang)
  const savedByUid = new Map<string, Blok>()
  if (draft) {
    walkBloks(story.content, components, ({ blok }) => {
      if (!savedByUid.has(blok._uid)) savedByUid.set(blok._uid, blok)
    })
  }
  const lines: Line[] = [
    `Story "${story.name}" (id ${story.id}). Language being edited: ${lang}.`,
    draft ? "Values are the editor's current (possibly unsaved) draft." : 'Values are the last saved version.',
    '',
  ]
  walkBloks(root, components, ({ blok, component, path }) => {
    const isFocus = focus?.blockUid === blok._uid
    const display = componentLabel(component, blok.component)
    lines.push(`## ${path}  [${display}, uid ${blok._uid}]${isFocus ? '  ← EDITOR FOCUS' : ''}`)
    if (!component) {
      lines.push('(unknown component: read-only)', '')
      return
    }
    let plan = plans.get(component)
    if (!plan) plans.set(component, (plan = planFields(component, components, lang, byName)))
    const saved = draft ? savedByUid.get(blok._uid) : blok
    const writable: string[] = []
    const readOnly: string[] = []
    for (const step of plan) {
      const { name } = step
      if (step.kind === 'readOnly') {
        readOnly.push(`${name} (${step.type})`)
        continue
      }
      const { field } = step
      if (step.kind === 'list') {
        const count = Array.isArray(blok[name]) ? (blok[name] as unknown[]).length : 0
        if (field.maximum && count >= field.maximum) {
          readOnly.push(`${name} (list full: ${count} of max ${field.maximum})`)
          continue
        }
        writable.push(name)
        targets.set(targetKey(blok._uid, name), {
          blockUid: blok._uid,
          component: blok.component,
          field,
          blok,
          saved,
          label: `${path} › ${field.label} › New item`,
        })
        lines.push(`- ${name} "${field.label}" (${listRules(field, count, step.kinds)})`)
        continue
      }
      const { key } = step
      if (field.type === 'richtext' && (hasEmbeddedBloks(blok[name]) || hasEmbeddedBloks(blok[key]))) {
        readOnly.push(`${name} (${field.type}, contains embedded blocks)`)
        continue
      }
      writable.push(name)
      targets.set(targetKey(blok._uid, name), {
        blockUid: blok._uid,
        component: blok.component,
        field,
        blok,
        saved,
        label: `${path} › ${field.label}`,
      })
      const focusMark = isFocus && focus?.field === name ? '  ← EDITOR FOCUS' : ''
      lines.push({
        head: `- ${name} "${field.label}" (${step.rules}): `,
        field,
        value: blok[key],
        ...(key === name ? {} : { fallback: blok[name] }),
        tail: focusMark,
      })
    }
    if (readOnly.length) lines.push(`(not writable: ${readOnly.join(', ')})`)
    lines.push('')
    if (writable.length) blocks.push({ uid: blok._uid, component: blok.component, fields: writable })
  })
  let text = render(lines, maxValueChars)
  if (text.length > maxChars) text = render(lines, Math.min(80, maxValueChars))
  return { text, language: lang, targets, blocks, components }
}

function render(lines: readonly Line[], max: number): string {
  return lines
    .map((line) => {
      if (typeof line === 'string') return line
      const { head, field, value, tail } = line
      const shownValue =
        'fallback' in line
          ? `${shown(field, value, max)}  (default language: ${shown(field, line.fallback, Math.min(120, max))})`
          : shown(field, value, max)
      return `${head}${shownValue}${tail}`
    })
    .join('\n')
    .trimEnd()
}
