import { readHistory, type HistoryEntry } from '../../shared/historyEntry.ts'

export type { HistoryEntry }

/** The plugin's field value: plain, versioned JSON so older stories stay readable. */
export type FieldValue = { v: 1; history: HistoryEntry[] }

/**
 * Whatever Storyblok holds for this field → `{v:1, history}`. An untouched field is `""` (undefined in the Field
 * Plugin Editor, null after some API writes); v0 stored a bare list; a JSON string is parsed; anything else is empty.
 */
export function fieldValueFrom(raw: unknown): FieldValue {
  return { v: 1, history: readHistory(raw).history }
}
