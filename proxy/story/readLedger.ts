import type { ChangeInput, LedgerChangeSet, VersionRef } from '../../shared/contract.ts'
import { fieldKey } from '../../shared/fieldKey.ts'
import { readHistory, type HistoryChange, type HistoryEntry } from '../../shared/historyEntry.ts'
import { sameValue } from '../../shared/sameValue.ts'
import type { Blok, Component, StoryVersion } from '../deps.ts'
import { uidOf } from './planListItem.ts'
import { findBlok } from './walkBloks.ts'

export type LedgerInput = {
  /** The story's versions, newest first, with content (one page is enough: each write also keeps the history). */
  versions: readonly StoryVersion[]
  /** The saved content now, which the states are computed against. */
  current: Blok
  components: readonly Component[]
  historyField: { blockUid: string; field: string }
}

const MISSING = Symbol('missing')

/**
 * The story's version history is the ledger: every write of the proxy put its change set into the plugin's field,
 * so the versions hold every change set even after a stale save reverted that field. Each change set (first seen in
 * the oldest version holding it) is compared with the current content: applied, undone, reverted (a save put every
 * `before` back without an undo) or edited. Newest first.
 */
export function readLedger({ versions, current, components, historyField }: LedgerInput): LedgerChangeSet[] {
  const oldestFirst = [...versions].reverse().filter((x) => x.content)
  const applies = new Map<string, { entry: HistoryEntry; version: StoryVersion | null }>()
  const undone = new Set<string>()
  const collect = (content: Blok, version: StoryVersion | null) => {
    for (const entry of entriesIn(content, components, historyField)) {
      if (entry.reason === 'undo') undone.add(entry.id)
      else if (!applies.has(entry.id)) applies.set(entry.id, { entry, version })
    }
  }
  for (const version of oldestFirst) collect(version.content as Blok, version)
  collect(current, null)

  const sets = [...applies.values()].map(({ entry, version }): LedgerChangeSet => {
    // What Storyblok stored is the truth for `after` (it may normalise what was sent); the entry is the fallback.
    const stored = entry.changes
      .filter((c) => !omitted(c.before) && !omitted(c.after))
      .map((c) => {
        const saved = version?.content ? valueAt(version.content, components, c) : MISSING
        return { ...c, after: saved === MISSING ? c.after : saved }
      })
    const holds = (content: Blok, side: 'before' | 'after') =>
      stored.length > 0 && stored.every((c) => sameValue(valueAt(content, components, c, null), c[side]))
    const written = version ? ref(version) : null
    const base = { id: entry.id, at: entry.at, transcript: entry.transcript, modelId: entry.modelId, written }
    if (undone.has(entry.id)) return { ...base, changes: entry.changes, state: 'undone', undo: [] }
    // Conflict-checked like every undo: a field a human changed since keeps the human's text.
    const undo = stored.map((c): ChangeInput => ({ ...where(c), before: c.after, after: c.before }))
    if (holds(current, 'after')) return { ...base, changes: entry.changes, state: 'applied', undo }
    if (holds(current, 'before')) {
      const after = version ? oldestFirst.slice(oldestFirst.indexOf(version) + 1) : []
      const reverting = after.find((x) => holds(x.content as Blok, 'before'))
      return {
        ...base,
        changes: entry.changes,
        state: 'reverted',
        ...(reverting ? { revertedBy: ref(reverting) } : {}),
        undo: [],
        restore: stored.map((c): ChangeInput => ({ ...where(c), before: c.before, after: c.after })),
      }
    }
    return { ...base, changes: entry.changes, state: 'edited', undo }
  })
  return sets.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0))
}

function entriesIn(content: Blok, components: readonly Component[], at: LedgerInput['historyField']) {
  const blok = findBlok(content, components, at.blockUid)?.blok
  return blok
    ? readHistory(blok[at.field]).history.filter((e) => typeof e.id === 'string' && Array.isArray(e.changes))
    : []
}

/** The value a change targets in `content`: a field (by language), or one item of a bloks list (by its _uid). */
function valueAt<T>(content: Blok, components: readonly Component[], c: HistoryChange, missing: T = MISSING as T) {
  const blok = findBlok(content, components, c.blockUid)?.blok
  if (!blok) return missing
  const item = uidOf(c.after) ?? uidOf(c.before)
  const value = blok[fieldKey(c.field, c.language)]
  if (item !== undefined && Array.isArray(value)) return value.find((b) => uidOf(b) === item) ?? null
  return value ?? null
}

const where = (c: HistoryChange) => ({ blockUid: c.blockUid, field: c.field, language: c.language })

const ref = (x: StoryVersion): VersionRef => ({ versionId: x.id, author: x.author, at: x.createdAt })

/** appendHistory replaces values too large for the field by a marker: such a field cannot be undone from here. */
const omitted = (v: unknown) => typeof v === 'object' && v !== null && 'omitted' in v && 'bytes' in v
