import type { ChangeInput } from '../../shared/contract.ts'
import type { Blok, Component } from '../deps.ts'
import { fieldKey } from '../../shared/fieldKey.ts'
import { findBlok } from './walkBloks.ts'

/**
 * The undo's `before` must be what Storyblok actually stored (it may normalise what we sent, e.g. richtext attrs),
 * or a later undo would see a false conflict. Takes each value from the story the PUT returned.
 */
export function undoFromSaved(
  undo: readonly ChangeInput[],
  saved: Blok,
  components: readonly Component[],
): ChangeInput[] {
  return undo.map((u) => {
    const blok = findBlok(saved, components, u.blockUid)?.blok
    if (!blok) return u
    const item = typeof u.before === 'object' && u.before !== null ? (u.before as Blok)._uid : undefined
    const list = blok[u.field]
    // A list item (added by the apply) is looked up by its _uid inside the list.
    if (item !== undefined && Array.isArray(list))
      return { ...u, before: list.find((b: Blok) => b?._uid === item) ?? null }
    return { ...u, before: blok[fieldKey(u.field, u.language)] ?? null }
  })
}
