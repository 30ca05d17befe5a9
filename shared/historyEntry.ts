/**
 * The AI history in the plugin's own field: written by the proxy (in the same PUT as the change set), read by the
 * plugin. One definition for both sides.
 */
import { isRecord } from './isRecord.ts'

/** One change as the story's own AI history records it. */
export type HistoryChange = { blockUid: string; field: string; language: string; before: unknown; after: unknown }

export type HistoryEntry = {
  id: string
  /** ISO time of the write. */
  at: string
  /**
   * The editor's Storyblok user id: verified when a sign-in wrote the entry (then `userName` is set too), otherwise
   * claimed by the client (the id the plugin saw) and not verified.
   */
  userId: number | null
  /** The verified Storyblok user's name, when a sign-in wrote the entry (AUTH_MODE oauth/both). */
  userName?: string
  /** Claimed by the client. */
  transcript: string
  modelId: string
  /** The proxy key that wrote it (its id, never the key) and the request: recorded by the proxy itself. */
  keyId?: string
  requestId?: string
  reason: 'apply' | 'undo'
  changes: HistoryChange[]
}

/** The value of the plugin's own field: plain JSON, versioned, other keys the plugin keeps there preserved. */
export type HistoryValue = { v: 1; history: HistoryEntry[]; [key: string]: unknown }

/** Reads whatever the field holds today: "", null, undefined, a JSON string, a bare list (v0) or `{ history }`. */
export function readHistory(previous: unknown): { rest: Record<string, unknown>; history: HistoryEntry[] } {
  let value = previous
  if (typeof value === 'string') {
    try {
      value = value.trim() ? JSON.parse(value) : undefined
    } catch {
      value = undefined
    }
  }
  const list = Array.isArray(value) ? value : isRecord(value) && Array.isArray(value['history']) ? value['history'] : []
  const rest = isRecord(value)
    ? Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'history' && k !== 'v'))
    : {}
  return { rest, history: list.filter(isEntry) }
}

const isEntry = (v: unknown): v is HistoryEntry => isRecord(v) && typeof v['at'] === 'string'
