import type { ChangeInput } from '../../shared/contract.ts'
import type { Blok, Component } from '../deps.ts'
import { validateChange } from './validateChange.ts'
import { findBlok } from './walkBloks.ts'
import type { WritableField } from './writableFields.ts'
import type { ValueRules } from './planChangeSet.ts'

export const uidOf = (v: unknown): string | undefined =>
  typeof v === 'object' && v !== null && typeof (v as Blok)._uid === 'string' ? (v as Blok)._uid : undefined

export type ListItem = { uid: string; current: unknown; after: unknown } | { reason: string }

/**
 * A bloks change is one item of the list, named by its `_uid`: append (before null, after the new item) or, where the
 * rules allow removing (an undo), remove (before the item, after null). Existing items change field by field, never
 * wholesale.
 */
export function planListItem(
  root: Blok,
  components: readonly Component[],
  parent: Blok,
  field: WritableField,
  change: ChangeInput,
  rules: ValueRules,
): ListItem {
  const uid = uidOf(change.after) ?? uidOf(change.before)
  if (!uid) return { reason: `a change to "${field.label}" needs the item with its _uid` }
  const list = Array.isArray(parent[field.name]) ? (parent[field.name] as unknown[]) : []
  const current = list.find((b) => uidOf(b) === uid) ?? null
  if (change.after === null || change.after === undefined) {
    return rules.allowRemove
      ? { uid, current, after: undefined }
      : { reason: `items of "${field.label}" can only be removed by undoing their addition` }
  }
  if (change.before !== null && change.before !== undefined)
    return { reason: `existing items of "${field.label}" are changed field by field` }
  const checked = validateChange(field, change.after, {
    components,
    lenientRichtext: rules.lenientRichtext,
    newUid: () => uid,
    markdownToRichtext: rules.markdownToRichtext,
  })
  if (!checked.ok) return { reason: checked.reason }
  if (!current && findBlok(root, components, uid)) return { reason: `the id ${uid} is already used in this story` }
  if (!current && field.maximum && list.length >= field.maximum)
    return { reason: `"${field.label}" already has its maximum of ${field.maximum} items` }
  return { uid, current, after: checked.value }
}
