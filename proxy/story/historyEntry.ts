import { readHistory, type HistoryEntry, type HistoryValue } from '../../shared/historyEntry.ts'

export type { HistoryEntry, HistoryValue }

export type HistoryLimits = {
  /** @default 20 */
  maxEntries?: number
  /** Serialised size cap of the whole value. @default 100_000 */
  maxBytes?: number
  /** Values larger than this (serialised) are replaced by a marker. @default 4_000 */
  maxValueBytes?: number
}

const bytes = (v: unknown): number => new TextEncoder().encode(JSON.stringify(v) ?? '').length

function shrink(value: unknown, max: number): unknown {
  const size = bytes(value)
  return size > max ? { omitted: 'too large for the history', bytes: size } : value
}

/** Appends an entry, keeping the newest `maxEntries` and dropping the oldest until the value fits `maxBytes`. */
export function appendHistory(previous: unknown, entry: HistoryEntry, limits: HistoryLimits = {}): HistoryValue {
  const { maxEntries = 20, maxBytes = 100_000, maxValueBytes = 4_000 } = limits
  const { rest, history } = readHistory(previous)
  const small: HistoryEntry = {
    ...entry,
    transcript: entry.transcript.slice(0, 2_000),
    changes: entry.changes.map((c) => ({
      ...c,
      before: shrink(c.before, maxValueBytes),
      after: shrink(c.after, maxValueBytes),
    })),
  }
  const kept = [...history, small].slice(-maxEntries)
  while (kept.length > 1 && bytes({ ...rest, v: 1, history: kept }) > maxBytes) kept.shift()
  return { ...rest, v: 1, history: kept }
}
