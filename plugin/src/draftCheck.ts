import type { Change, ChangeInput } from '../../shared/contract.ts'
import { isRecord } from '../../shared/isRecord.ts'
import { fieldKey } from '../../shared/fieldKey.ts'
import { sameValue } from '../../shared/sameValue.ts'

/** Depth-first search for the block with this `_uid` anywhere in a story's content. */
export function findBlock(node: unknown, uid: string): Record<string, unknown> | undefined {
  if (Array.isArray(node)) {
    for (const child of node) {
      const found = findBlock(child, uid)
      if (found) return found
    }
    return undefined
  }
  if (!isRecord(node)) return undefined
  if (node['_uid'] === uid) return node
  for (const value of Object.values(node)) {
    if (typeof value === 'object' && value !== null) {
      const found = findBlock(value, uid)
      if (found) return found
    }
  }
  return undefined
}

/** The content key a change writes: `field`, or `field__i18n__<lang>` for a translation. */
export const contentKey = (change: Pick<Change, 'field' | 'language'>): string =>
  fieldKey(change.field, change.language)

/**
 * The changes whose target field in the editor's current draft no longer holds the value the proposal started from:
 * the editor typed there and has not saved, so applying would be overwritten by (or overwrite) their edit.
 * New blocks (not in the draft yet) are skipped.
 */
export function changesWithUnsavedEdits(draftContent: unknown, changes: readonly Change[]): Change[] {
  return changes.filter((change) => {
    const block = findBlock(draftContent, change.blockUid)
    if (!block) return false
    return !sameValue(block[contentKey(change)], change.before)
  })
}

/**
 * The name of this plugin's own field inside its block: the configured option, else the single key of the block whose
 * value is the plugin's current (non-empty) model. Undefined when it cannot be told apart safely.
 */
export function ownFieldName({
  option,
  storyContent,
  blockUid,
  model,
}: {
  option: string
  storyContent: unknown
  blockUid: string | undefined
  model: unknown
}): string | undefined {
  if (option) return option
  if (!blockUid || !isRecord(model)) return undefined
  const block = findBlock(storyContent, blockUid)
  if (!block) return undefined
  const keys = Object.keys(block).filter((k) => k !== '_uid' && k !== 'component' && sameValue(block[k], model))
  return keys.length === 1 ? keys[0] : undefined
}

/**
 * True when the editor's story already holds every written value: it was reloaded (or pushed) after the write, so
 * saving it no longer puts old values back. A list item counts by its `_uid` being there (or gone, for an undo).
 */
export function storyShowsWrite(content: unknown, written: readonly ChangeInput[]): boolean {
  return written.every((w) => {
    const block = findBlock(content, w.blockUid)
    if (!block) return false
    const value = block[fieldKey(w.field, w.language)]
    const item = isRecord(w.after) ? w.after['_uid'] : isRecord(w.before) ? w.before['_uid'] : undefined
    if (typeof item === 'string' && Array.isArray(value)) {
      const present = value.some((b) => isRecord(b) && b['_uid'] === item)
      return isRecord(w.after) ? present : !present
    }
    return sameValue(value, w.after)
  })
}
