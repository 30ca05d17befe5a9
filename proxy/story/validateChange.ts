import { fieldKey, isDefaultLanguage } from '../../shared/fieldKey.ts'
import { richtextProblem, richtextShapeProblem } from './richtextProblem.ts'
import type { Component } from '../deps.ts'
import { writableField, type WritableField } from './writableFields.ts'
import { isRecord } from '../../shared/isRecord.ts'
import type { MarkdownToRichtext } from './markdownToRichtext.ts'

export type ValidatedChange =
  | { ok: true; key: string; language: string; value: unknown; reason?: never }
  | { ok: false; reason: string; key?: never; language?: never; value?: never }

export type ValidateOptions = {
  language?: string | null
  /** null/undefined removes the key (undo of a value that did not exist). */
  allowRemove?: boolean
  /**
   * Undo restores richtext the editor wrote by hand, which may use marks the assistant never writes (colour,
   * highlight): only the document shape is checked, embedded bloks still refused.
   */
  lenientRichtext?: boolean
  /** Turns a Markdown string for a richtext field into its document; needed only where such a value may come. */
  markdownToRichtext?: MarkdownToRichtext
  /** bloks: the space's components, to validate a new item's fields. */
  components?: readonly Component[]
  /** bloks: `_uid` for a new item. @default crypto.randomUUID */
  newUid?: () => string
}

const DATETIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})$/
const NUMBER = /^-?\d+(\.\d+)?$/

function validDatetime(s: string): boolean {
  const m = DATETIME.exec(s)
  if (!m) return false
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number]
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi))
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && h < 24 && mi < 60
}

const fail = (reason: string): ValidatedChange => ({ ok: false, reason })

function richtextFrom(markdown: string, markdownToRichtext: MarkdownToRichtext | undefined): unknown {
  // A caller that may see Markdown must pass the converter: a missing one is a wiring mistake, not a bad value.
  if (!markdownToRichtext) throw new Error('validateChange() needs options.markdownToRichtext for Markdown richtext')
  return markdownToRichtext(markdown)
}

/** A new item for a bloks list: `{component, fields}` from Claude, or the stored shape `{_uid, component, …}` back from the editor. */
function newBlok(
  field: WritableField,
  value: unknown,
  options: ValidateOptions,
): { value: unknown } | { reason: string } {
  const { components = [], newUid = () => globalThis.crypto.randomUUID(), lenientRichtext = false } = options
  const { markdownToRichtext } = options
  const allowed = field.allowed ?? []
  if (!isRecord(value) || typeof value['component'] !== 'string')
    return { reason: `"${field.label}" needs a new item like {"component": "${allowed[0] ?? '…'}", "fields": {…}}` }
  const name = value['component']
  const component = components.find((c) => c.name === name)
  if (!allowed.includes(name) || !component)
    return { reason: `"${field.label}" can only get new items of ${allowed.map((a) => JSON.stringify(a)).join(', ')}` }
  const source = isRecord(value['fields'])
    ? value['fields']
    : Object.fromEntries(Object.entries(value).filter(([k]) => k !== '_uid' && k !== 'component'))
  const out: Record<string, unknown> = {}
  for (const [key, v] of Object.entries(source)) {
    const wf = writableField(key, component.schema[key])
    if (!wf) return { reason: `"${key}" cannot be set on a new ${name}` }
    const checked = validateChange(wf, v, { lenientRichtext, markdownToRichtext })
    if (!checked.ok) return { reason: checked.reason }
    out[key] = checked.value
  }
  const missing = Object.entries(component.schema)
    .filter(([k, f]) => f.required && writableField(k, f) && !(k in out))
    .map(([k]) => k)
  if (missing.length) return { reason: `a new ${name} needs ${missing.join(', ')}` }
  if (Object.keys(out).length === 0) return { reason: `a new ${name} needs at least one field` }
  const uid = typeof value['_uid'] === 'string' && /^[A-Za-z0-9-]{8,64}$/.test(value['_uid']) ? value['_uid'] : newUid()
  return { value: { _uid: uid, component: name, ...out } }
}

function valueFor(
  field: WritableField,
  value: unknown,
  options: ValidateOptions,
): { value: unknown } | { reason: string } {
  const lenientRichtext = options.lenientRichtext ?? false
  const empty = value === '' || (Array.isArray(value) && value.length === 0)
  if (empty && field.required) return { reason: `"${field.label}" is required and cannot be empty` }
  switch (field.type) {
    case 'text':
    case 'textarea':
    case 'markdown': {
      if (typeof value !== 'string' && typeof value !== 'number') return { reason: `"${field.label}" needs text` }
      const text = field.type === 'text' ? String(value).replace(/\s*\n\s*/g, ' ') : String(value)
      if (field.maxLength && [...text].length > field.maxLength) {
        return { reason: `"${field.label}" allows at most ${field.maxLength} characters (got ${[...text].length})` }
      }
      return { value: text }
    }
    case 'richtext': {
      if (value === '') return { value: '' }
      const doc = typeof value === 'string' ? richtextFrom(value, options.markdownToRichtext) : value
      const problem = lenientRichtext ? richtextShapeProblem(doc) : richtextProblem(doc, field.toolbar)
      return problem ? { reason: `"${field.label}": ${problem}` } : { value: doc }
    }
    case 'number': {
      const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value
      if (text === '') return { value: '' }
      if (typeof text !== 'string' || !NUMBER.test(text.trim()))
        return { reason: `"${field.label}" needs a number like "12" or "9.99"` }
      return { value: text.trim() }
    }
    case 'boolean':
      if (typeof value === 'boolean') return { value }
      if (value === 'true' || value === 'false') return { value: value === 'true' }
      return { reason: `"${field.label}" needs true or false` }
    case 'datetime':
      if (value === '') return { value: '' }
      if (typeof value !== 'string' || !validDatetime(value))
        return { reason: `"${field.label}" needs a date like "2026-11-25 14:30"` }
      return { value }
    case 'option':
      if (value === '') return { value: '' }
      if (typeof value !== 'string' || !field.options?.includes(value)) {
        return {
          reason: `"${field.label}" must be one of ${(field.options ?? []).map((o) => JSON.stringify(o)).join(', ')}`,
        }
      }
      return { value }
    case 'bloks':
      return newBlok(field, value, options)
    case 'options': {
      const list = typeof value === 'string' ? [value] : value
      if (!Array.isArray(list) || !list.every((v) => typeof v === 'string' && field.options?.includes(v))) {
        return {
          reason: `"${field.label}" must be a list of ${(field.options ?? []).map((o) => JSON.stringify(o)).join(', ')}`,
        }
      }
      return { value: [...new Set(list as string[])] }
    }
  }
}

/** Checks one value against its field's rules and returns what to store under which content key. */
export function validateChange(field: WritableField, value: unknown, options: ValidateOptions = {}): ValidatedChange {
  const { language, allowRemove = false } = options
  const translated = !isDefaultLanguage(language)
  if (translated && !field.translatable)
    return fail(`"${field.label}" is not translatable, so it has no ${language} version`)
  const key = fieldKey(field.name, language)
  const lang = translated ? (language as string) : 'default'
  if (value === null || value === undefined) {
    return allowRemove ? { ok: true, key, language: lang, value: undefined } : fail(`"${field.label}" needs a value`)
  }
  const result = valueFor(field, value, options)
  return 'reason' in result ? fail(result.reason) : { ok: true, key, language: lang, value: result.value }
}
