/**
 * postMessage protocol between the plugin (opener) and the companion recorder window served by the proxy
 * at GET /recorder. Both sides check `event.origin` and the session id `sid`; the recorder only ever
 * targets the opener origin the proxy validated against ALLOWED_ORIGINS, the plugin only the proxy origin.
 */
export const RECORDER_SOURCE = 'voice-recorder'
export const PLUGIN_SOURCE = 'voice-plugin'

/** Recorder → plugin. */
export type RecorderMessage =
  | { source: typeof RECORDER_SOURCE; sid: string; type: 'ready' }
  /** The recorder needs a fresh single-use ticket (the plugin holds the proxy key, the popup never does). */
  | { source: typeof RECORDER_SOURCE; sid: string; type: 'need-ticket' }
  | { source: typeof RECORDER_SOURCE; sid: string; type: 'state'; state: 'listening' | 'transcribing' | 'idle' }
  | { source: typeof RECORDER_SOURCE; sid: string; type: 'partial'; text: string }
  | { source: typeof RECORDER_SOURCE; sid: string; type: 'final'; text: string }
  | { source: typeof RECORDER_SOURCE; sid: string; type: 'cancel' }

/** Plugin → recorder. */
export type PluginMessage =
  | { source: typeof PLUGIN_SOURCE; sid: string; type: 'ticket'; ticket: string; language?: string }
  /** The plugin's error getting a ticket, as the recorder should show it (code and retryable since the typed page). */
  | {
      source: typeof PLUGIN_SOURCE
      sid: string
      type: 'ticket-error'
      message: string
      hint?: string
      code?: string
      retryable?: boolean
    }

const TYPES = new Set(['ready', 'need-ticket', 'state', 'partial', 'final', 'cancel'])

export function isRecorderMessage(data: unknown, sid: string): data is RecorderMessage {
  if (typeof data !== 'object' || data === null) return false
  const d = data as Record<string, unknown>
  if (d['source'] !== RECORDER_SOURCE || d['sid'] !== sid || typeof d['type'] !== 'string' || !TYPES.has(d['type']))
    return false
  if ((d['type'] === 'partial' || d['type'] === 'final') && typeof d['text'] !== 'string') return false
  return true
}

export function isPluginMessage(data: unknown, sid: string): data is PluginMessage {
  if (typeof data !== 'object' || data === null) return false
  const d = data as Record<string, unknown>
  if (d['source'] !== PLUGIN_SOURCE || d['sid'] !== sid) return false
  if (d['type'] === 'ticket') return typeof d['ticket'] === 'string'
  return d['type'] === 'ticket-error' && typeof d['message'] === 'string'
}

/** A random session id for one recorder window. */
export function newRecorderSid(crypto: Pick<Crypto, 'getRandomValues'> = globalThis.crypto): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}
