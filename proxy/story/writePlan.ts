import type { ChangeSet } from '../../shared/contract.ts'
import type { Blok } from '../deps.ts'
import type { ChangeProblem, ConflictProblem } from './changeProblem.ts'
import { appendHistory, type HistoryEntry } from './historyEntry.ts'
import type { MarkdownToRichtext } from './markdownToRichtext.ts'
import { MAX_STORY_BYTES } from './maxStoryBytes.ts'
import type { ChangeSetPlan, PlanInput } from './planChangeSet.ts'
import { uidOf } from './planListItem.ts'
import { findBlok } from './walkBloks.ts'

/** The plugin's own field, which receives `entry` (with the applied changes) in the same write. */
export type HistoryTarget = {
  blockUid: string
  field: string
  /** The plugin's `field_type`: only a custom field of this type may hold the history. */
  fieldType: string
  entry: Omit<HistoryEntry, 'changes' | 'reason'>
}

export type ChangeSetInput = PlanInput & {
  markdownToRichtext: MarkdownToRichtext
  history?: HistoryTarget
  /** @default MAX_STORY_BYTES */
  maxBytes?: number
}

export type ChangeSetResult =
  | {
      type: 'ok'
      /** The content to PUT. */
      content: Blok
      applied: ChangeSet
      /** The change set that undoes `applied`. */
      undo: ChangeSet
      /** Undo only: fields a human changed since the apply, left as they are. */
      leftAlone: ConflictProblem[]
      bytes: number
    }
  | { type: 'refused'; problems: ChangeProblem[] }
  | { type: 'too_large'; bytes: number }

/** Writes the planned changes (and the history entry) into the plan's content and checks the size. */
export function writePlan(
  { content, planned }: ChangeSetPlan,
  { components, history, maxBytes = MAX_STORY_BYTES }: Pick<ChangeSetInput, 'components' | 'history' | 'maxBytes'>,
  reason: HistoryEntry['reason'],
  leftAlone: ConflictProblem[] = [],
): ChangeSetResult {
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
    const target = findBlok(content, components, history.blockUid)
    const schema = target?.component?.schema[history.field]
    // Only this plugin's own field may carry the history: it must never become a way to write arbitrary JSON into
    // another field, another plugin's included.
    if (!target || schema?.type !== 'custom' || schema['field_type'] !== history.fieldType) {
      return {
        type: 'refused',
        problems: [
          {
            blockUid: history.blockUid,
            field: history.field,
            language: 'default',
            kind: 'invalid',
            reason: `historyField must name a field of this plugin (field type "${history.fieldType}")`,
          },
        ],
      }
    }
    target.blok[history.field] = appendHistory(target.blok[history.field], {
      ...history.entry,
      reason,
      changes: applied,
    })
  }
  const bytes = new TextEncoder().encode(JSON.stringify(content)).length
  if (bytes > maxBytes) return { type: 'too_large', bytes }
  return { type: 'ok', content, applied, undo, leftAlone, bytes }
}
