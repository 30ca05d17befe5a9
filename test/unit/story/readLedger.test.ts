import { describe, expect, it } from 'vitest'
import { readLedger } from '../../../proxy/story/readLedger.ts'
import type { Blok, StoryVersion } from '../../../proxy/deps.ts'
import type { HistoryEntry } from '../../../shared/historyEntry.ts'
import { DEMO_UIDS } from '../../../dev/simulators/storyblokSeed.ts'
import { blok, demo } from '../core/demo.ts'

const { components, home } = demo()
const HERO = 'Content that moves at the speed of your team'
const FIELD = 'voice_assistant'
const historyField = { blockUid: DEMO_UIDS.homeRoot, field: FIELD }
const pageWithField = components.map((c) =>
  c.is_root ? { ...c, schema: { ...c.schema, [FIELD]: { type: 'custom' } } } : c,
)

const entry = (id: string, reason: 'apply' | 'undo', before: unknown, after: unknown, at: string): HistoryEntry => ({
  id,
  at,
  userId: null,
  transcript: `${reason} ${id}`,
  modelId: 'm',
  reason,
  changes: [{ blockUid: DEMO_UIDS.hero, field: 'headline', language: 'default', before, after }],
})

/** The home content with a headline and the plugin field holding `history`. */
function content(headline: unknown, history: HistoryEntry[]): Blok {
  const c = structuredClone(home.content)
  blok(c, DEMO_UIDS.hero)['headline'] = headline
  blok(c, DEMO_UIDS.homeRoot)[FIELD] = { v: 1, history }
  return c
}

let nextId = 100
const version = (c: Blok, author: string): StoryVersion => ({
  id: nextId++,
  createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, nextId)).toISOString(),
  userId: 1,
  author,
  releaseId: null,
  status: 'draft',
  content: c,
})
const newestFirst = (...v: StoryVersion[]) => [...v].reverse()

describe('readLedger', () => {
  const a = entry('a', 'apply', HERO, 'A', '2026-01-01T00:00:01Z')

  it('a change set whose fields hold its values is applied, with the write that recorded it and its undo', () => {
    const v1 = version(content(HERO, []), 'editor')
    const v2 = version(content('A', [a]), 'token')
    const [set] = readLedger({
      versions: newestFirst(v1, v2),
      current: content('A', [a]),
      components: pageWithField,
      historyField,
    })
    expect(set).toMatchObject({ id: 'a', state: 'applied', written: { versionId: v2.id, author: 'token' } })
    expect(set?.undo).toEqual([
      { blockUid: DEMO_UIDS.hero, field: 'headline', language: 'default', before: 'A', after: HERO },
    ])
  })

  it('a stale save (fields and history back to before, no undo) is reverted, names the save and offers restore', () => {
    const v1 = version(content(HERO, []), 'editor')
    const v2 = version(content('A', [a]), 'token')
    const v3 = version(content(HERO, []), 'editor') // the old open copy saved whole
    const [set] = readLedger({
      versions: newestFirst(v1, v2, v3),
      current: content(HERO, []),
      components: pageWithField,
      historyField,
    })
    expect(set).toMatchObject({ id: 'a', state: 'reverted', revertedBy: { versionId: v3.id, author: 'editor' } })
    expect(set?.restore).toEqual([
      { blockUid: DEMO_UIDS.hero, field: 'headline', language: 'default', before: HERO, after: 'A' },
    ])
    expect(set?.undo).toEqual([])
  })

  it('an undo entry with the same id marks it undone (not reverted); a field changed by hand makes it edited', () => {
    const u = entry('a', 'undo', 'A', HERO, '2026-01-01T00:00:02Z')
    const undone = readLedger({
      versions: newestFirst(version(content('A', [a]), 'token'), version(content(HERO, [a, u]), 'token')),
      current: content(HERO, [a, u]),
      components: pageWithField,
      historyField,
    })
    expect(undone.map((s) => [s.id, s.state])).toEqual([['a', 'undone']])
    const edited = readLedger({
      versions: [version(content('A', [a]), 'token')],
      current: content('Typed by hand', [a]),
      components: pageWithField,
      historyField,
    })
    expect(edited.map((s) => s.state)).toEqual(['edited'])
  })

  it('dedupes by id across versions, newest change set first, and takes `after` as Storyblok stored it', () => {
    const b = entry('b', 'apply', 'A', 'B (as sent)', '2026-01-01T00:00:03Z')
    const v1 = version(content('A', [a]), 'token')
    const v2 = version(content('B (as stored)', [a, b]), 'token')
    const sets = readLedger({
      versions: newestFirst(v1, v2),
      current: content('B (as stored)', [a, b]),
      components: pageWithField,
      historyField,
    })
    expect(sets.map((s) => s.id)).toEqual(['b', 'a'])
    expect(sets[0]?.state).toBe('applied')
    expect(sets[0]?.undo[0]?.before).toBe('B (as stored)')
  })

  it('values too large for the history cannot be undone from the ledger', () => {
    const big = entry(
      'big',
      'apply',
      { omitted: 'too large for the history', bytes: 9000 },
      'X',
      '2026-01-01T00:00:04Z',
    )
    const [set] = readLedger({
      versions: [version(content('X', [big]), 'token')],
      current: content('X', [big]),
      components: pageWithField,
      historyField,
    })
    expect(set?.undo).toEqual([])
  })
})
