import type { ChangeInput, Conflict } from '../../shared/contract.ts'
import type { Blok, Component } from '../deps.ts'
import { sameValue } from '../../shared/sameValue.ts'
import { LANGUAGE_CODE, splitFieldKey } from '../../shared/fieldKey.ts'
import { appendHistory, type HistoryEntry } from './historyEntry.ts'
import { hasEmbeddedBloks } from './richtextToMarkdown.ts'
import { validateChange } from './validateChange.ts'
import { findBlok } from './walkBloks.ts'
import { planListItem, uidOf } from './planListItem.ts'
import { writableField } from './writableFields.ts'
import type { MarkdownToRichtext } from './markdownToRichtext.ts'

/** Storyblok's story JSON limit. */
export const MAX_STORY_BYTES = 5 * 1024 * 1024

export type FieldProblem = { blockUid: string; field: string; language: string; reason: string }

export type ApplyInput = {
  /** The latest saved content (re-read right before writing). */
  content: Blok
  components: readonly Component[]
  changes: readonly ChangeInput[]
  reason?: 'apply' | 'undo'
  /** The plugin's own field, which receives `entry` (built from the applied changes) in the same write. */
  history?: { blockUid: string; field: string; entry: Omit<HistoryEntry, 'changes'> }
  maxBytes?: number
  markdownToRichtext: MarkdownToRichtext
}

export type ApplyResult =
  | { type: 'ok'; content: Blok; applied: ChangeInput[]; undo: ChangeInput[]; conflicts: Conflict[]; bytes: number }
  | { type: 'invalid'; problems: FieldProblem[] }
  | { type: 'conflict'; conflicts: Conflict[] }
  | { type: 'too_large'; bytes: number }

type Planned = {
  blok: Blok
  key: string
  language: string
  field: string
  blockUid: string
  before: unknown
  after: unknown
  current: unknown
  /** Set for a bloks list: append a new item, or (undo) remove it again. */
  item?: string
}

/**
 * Latest saved content + requested changes → the content to PUT. Scope is enforced here, not by the prompt: only
 * schema-writable fields of existing bloks, every value re-validated. A targeted field whose saved value differs from
 * `before` is a conflict (apply: nothing written; undo: that field left alone). Everything else is carried over as is.
 */
export function applyChanges({
  content,
  components,
  changes,
  reason = 'apply',
  history,
  maxBytes = MAX_STORY_BYTES,
  markdownToRichtext,
}: ApplyInput): ApplyResult {
  const next = structuredClone(content)
  const problems: FieldProblem[] = []
  const conflicts: Conflict[] = []
  const planned: Planned[] = []
  const seen = new Set<string>()
  for (const change of changes) {
    const { field, language } = splitFieldKey(change.field, change.language)
    const where = { blockUid: change.blockUid, field, language }
    // Hardening (issue 7): a language taken from a `field__i18n__<lang>` key must be a language code, so a crafted
    // key like `headline__i18n__de__x` cannot create arbitrary content keys.
    if (language !== 'default' && !LANGUAGE_CODE.test(language)) {
      problems.push({ ...where, reason: `"${language.slice(0, 20)}" is not a language code` })
      continue
    }
    const visit = findBlok(next, components, change.blockUid)
    if (!visit) {
      // The block was removed (or never existed): a human changed the structure since the proposal.
      conflicts.push({ blockUid: change.blockUid, field, language, expected: change.before ?? null, actual: null })
      continue
    }
    const writable = writableField(field, visit.component?.schema[field], components)
    if (!writable) {
      problems.push({
        ...where,
        reason: `"${field}" of ${visit.blok.component} is not a field the assistant may write`,
      })
      continue
    }
    if (writable.type === 'bloks') {
      const item = planListItem(next, components, visit.blok, writable, change, reason, markdownToRichtext)
      if ('reason' in item) problems.push({ ...where, reason: item.reason })
      else if (seen.has(`${change.blockUid}\u0000${field}\u0000${item.uid}`))
        problems.push({ ...where, reason: 'the same item is changed twice in one request' })
      else if (!sameValue(item.current, change.before))
        conflicts.push({
          blockUid: change.blockUid,
          field,
          language: 'default',
          expected: change.before ?? null,
          actual: item.current ?? null,
        })
      else {
        seen.add(`${change.blockUid}\u0000${field}\u0000${item.uid}`)
        planned.push({
          blok: visit.blok,
          key: field,
          language: 'default',
          field,
          blockUid: change.blockUid,
          before: change.before,
          after: item.after,
          current: item.current,
          item: item.uid,
        })
      }
      continue
    }
    const checked = validateChange(writable, change.after, {
      language,
      allowRemove: reason === 'undo',
      lenientRichtext: reason === 'undo',
      markdownToRichtext,
    })
    if (!checked.ok) {
      problems.push({ ...where, reason: checked.reason })
      continue
    }
    if (writable.type === 'richtext' && hasEmbeddedBloks(visit.blok[checked.key])) {
      problems.push({ ...where, reason: `"${writable.label}" contains embedded blocks; edit it in Storyblok` })
      continue
    }
    const id = `${change.blockUid}\u0000${checked.key}`
    if (seen.has(id)) {
      problems.push({ ...where, reason: 'the same field is changed twice in one request' })
      continue
    }
    seen.add(id)
    const current = visit.blok[checked.key]
    if (!sameValue(current, change.before)) {
      conflicts.push({
        blockUid: change.blockUid,
        field,
        language: checked.language,
        expected: change.before ?? null,
        actual: current ?? null,
      })
      continue
    }
    planned.push({
      blok: visit.blok,
      key: checked.key,
      language: checked.language,
      field,
      blockUid: change.blockUid,
      before: change.before,
      after: checked.value,
      current,
    })
  }
  if (problems.length) return { type: 'invalid', problems }
  if (conflicts.length && (reason === 'apply' || planned.length === 0)) return { type: 'conflict', conflicts }

  for (const p of planned) {
    if (p.item !== undefined) {
      const list = Array.isArray(p.blok[p.key]) ? (p.blok[p.key] as unknown[]) : []
      p.blok[p.key] =
        p.after === undefined ? list.filter((b) => uidOf(b) !== p.item) : [...list, structuredClone(p.after)]
    } else if (p.after === undefined) delete p.blok[p.key]
    // Copies: the content and the returned applied/undo values must not share objects.
    else p.blok[p.key] = structuredClone(p.after)
  }
  const applied = planned.map((p) => ({
    blockUid: p.blockUid,
    field: p.field,
    language: p.language,
    before: p.current ?? null,
    after: p.after ?? null,
  }))
  const undo = applied.map((a) => ({ ...a, before: a.after, after: a.before }))

  if (history) {
    const target = findBlok(next, components, history.blockUid)
    // Only a plugin (custom) field may carry the history: it must never become a way to write arbitrary JSON elsewhere.
    if (!target || target.component?.schema[history.field]?.type !== 'custom') {
      return {
        type: 'invalid',
        problems: [
          {
            blockUid: history.blockUid,
            field: history.field,
            language: 'default',
            reason: "historyField must name the plugin's own (custom) field",
          },
        ],
      }
    }
    target.blok[history.field] = appendHistory(target.blok[history.field], { ...history.entry, changes: applied })
  }
  const bytes = new TextEncoder().encode(JSON.stringify(next)).length
  if (bytes > maxBytes) return { type: 'too_large', bytes }
  return { type: 'ok', content: next, applied, undo, conflicts, bytes }
}
