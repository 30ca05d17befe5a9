import { isRecord } from './isRecord.ts'

/** One applied (or undone) change set as the proxy records it in the plugin's own field (proxy/core/historyEntry.ts). */
export type HistoryEntry = { at: string; reason?: string; transcript?: string; changes?: unknown[] } & Record<string, unknown>

/** The plugin's field value: plain, versioned JSON so older stories stay readable. */
export type FieldValue = { v: 1; history: HistoryEntry[] }

const isEntry = (v: unknown): v is HistoryEntry => isRecord(v) && typeof v['at'] === 'string'

/**
 * Whatever Storyblok holds for this field → `{v:1, history}`. An untouched field is `""` (undefined in the Field
 * Plugin Editor, null after some API writes); v0 stored a bare list; a JSON string is parsed; anything else is empty.
 */
export function fieldValueFrom(raw: unknown): FieldValue {
  let value = raw
  if (typeof value === 'string') {
    try { value = JSON.parse(value) } catch { value = undefined }
  }
  const list = Array.isArray(value) ? value : isRecord(value) && Array.isArray(value['history']) ? value['history'] : []
  return { v: 1, history: list.filter(isEntry) }
}
