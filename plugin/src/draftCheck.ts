import type { Change } from '../../proxy/contract.ts'
import { isRecord } from './isRecord.ts'

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
export function contentKey(change: Pick<Change, 'field' | 'language'>): string {
  const lang = change.language
  if (!lang || lang === 'default' || change.field.includes('__i18n__')) return change.field
  return `${change.field}__i18n__${lang}`
}

/** "" / null / undefined all mean "no value" in Storyblok (untouched fields save as ""). */
const blank = (v: unknown) => v === undefined || v === null || v === ''

export function sameValue(a: unknown, b: unknown): boolean {
  if (blank(a) && blank(b)) return true
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]))
  const ra = a as Record<string, unknown>, rb = b as Record<string, unknown>
  const keys = new Set([...Object.keys(ra), ...Object.keys(rb)])
  for (const k of keys) if (!sameValue(ra[k], rb[k])) return false
  return true
}

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
export function ownFieldName({ option, storyContent, blockUid, model }: { option: string; storyContent: unknown; blockUid: string | undefined; model: unknown }): string | undefined {
  if (option) return option
  if (!blockUid || !isRecord(model)) return undefined
  const block = findBlock(storyContent, blockUid)
  if (!block) return undefined
  const keys = Object.keys(block).filter((k) => k !== '_uid' && k !== 'component' && sameValue(block[k], model))
  return keys.length === 1 ? keys[0] : undefined
}
