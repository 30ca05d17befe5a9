import { isRecord } from './isRecord.ts'

/** One change as the story's own AI history records it. */
export type HistoryChange = { blockUid: string; field: string; language: string; before: unknown; after: unknown }

export type HistoryEntry = {
  id: string
  /** ISO time of the write. */
  at: string
  userId: number | null
  transcript: string
  modelId: string
  reason: 'apply' | 'undo'
  changes: HistoryChange[]
}

/** The value of the plugin's own field: plain JSON, versioned, other keys the plugin keeps there preserved. */
export type HistoryValue = { v: 1; history: HistoryEntry[]; [key: string]: unknown }

export type HistoryLimits = {
  /** @default 20 */
  maxEntries?: number
  /** Serialised size cap of the whole value. @default 100_000 */
  maxBytes?: number
  /** Values larger than this (serialised) are replaced by a marker. @default 4_000 */
  maxValueBytes?: number
}

const bytes = (v: unknown): number => new TextEncoder().encode(JSON.stringify(v) ?? '').length

/** Reads whatever the field holds today: "", null, undefined, a JSON string, a bare list (v0) or `{ history }`. */
export function readHistory(previous: unknown): { rest: Record<string, unknown>; history: HistoryEntry[] } {
  let value = previous
  if (typeof value === 'string') {
    try { value = value.trim() ? JSON.parse(value) : undefined } catch { value = undefined }
  }
  const list = Array.isArray(value) ? value : isRecord(value) && Array.isArray(value['history']) ? value['history'] : []
  const rest = isRecord(value) ? Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'history' && k !== 'v')) : {}
  return { rest, history: list.filter(isRecord) as HistoryEntry[] }
}

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
    changes: entry.changes.map((c) => ({ ...c, before: shrink(c.before, maxValueBytes), after: shrink(c.after, maxValueBytes) })),
  }
  const kept = [...history, small].slice(-maxEntries)
  while (kept.length > 1 && bytes({ ...rest, v: 1, history: kept }) > maxBytes) kept.shift()
  return { ...rest, v: 1, history: kept }
}
