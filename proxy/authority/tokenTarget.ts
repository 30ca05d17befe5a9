import type { ChangeInput } from '../../shared/contract.ts'
import { splitFieldKey } from '../../shared/fieldKey.ts'
import { uidOf } from '../story/planListItem.ts'
import type { TokenTarget } from './changeToken.ts'
import { valueDigest } from './valueDigest.ts'

type Place = Pick<ChangeInput, 'blockUid' | 'field' | 'language' | 'before' | 'after'>

/** Where one change writes: the same key when the token is signed and when a request is checked against it. */
export function placeOf(change: Place): Pick<TokenTarget, 'b' | 'f' | 'l' | 'i'> {
  const { field, language } = splitFieldKey(change.field, change.language)
  // A bloks change names its list item by _uid (the new item, or the one an undo removes).
  const item = uidOf(change.after) ?? uidOf(change.before)
  return { b: change.blockUid, f: field, l: language, ...(item !== undefined ? { i: item } : {}) }
}

export const placeKey = (p: Pick<TokenTarget, 'b' | 'f' | 'l' | 'i'>): string =>
  [p.b, p.f, p.l, p.i ?? ''].join('\u0000')

/** An apply target: the place and the `before` the proposal read from the saved story. */
export const applyTarget = (change: Place): TokenTarget => ({ ...placeOf(change), bf: valueDigest(change.before) })

/** An undo target: the place, what the apply wrote (`before`) and what the undo restores (`after`). */
export const undoTarget = (change: Place): TokenTarget => ({
  ...placeOf(change),
  bf: valueDigest(change.before),
  af: valueDigest(change.after),
})
