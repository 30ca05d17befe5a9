import type { Conflict } from '../../shared/contract.ts'
import type { ErrorCode } from '../../shared/errorCodes.ts'

/**
 * A code from the proxy, or one the plugin itself saw (no network, an unreadable reply, a timeout, an editor not
 * connected yet, no microphone, a blocked popup). A newer proxy may send a code this build does not know yet, so any
 * string is kept.
 */
export type PluginErrorCode =
  | ErrorCode
  | 'network'
  | 'bad_response'
  | 'timeout'
  | 'editor_not_ready'
  | 'cancelled'
  | 'mic_unsupported'
  | 'mic_failed'
  | 'popup_blocked'
  | (string & {})

export type PluginErrorInit = {
  code: PluginErrorCode
  /** For the editor: what happened, in words. */
  message: string
  /** For the editor: what to do about it. */
  hint?: string | undefined
  /** The same request (or the kept recording) may succeed when tried again. @default by code and status */
  retryable?: boolean
  requestId?: string | undefined
  /** The HTTP status of the reply that carried it. */
  status?: number | undefined
  retryAfterSeconds?: number | undefined
  /** Fields that changed since the proposal (409 on apply/undo). */
  conflicts?: Conflict[] | undefined
  /** With `conflicts` of an apply: the proxy's token for writing the assistant's value over the current one. */
  rebaseToken?: string | undefined
  cause?: unknown
}

/** Failures that are about timing, load or another editor's lock, not about the request: a second attempt can succeed. */
const RETRYABLE =
  /^(?:network|timeout|rate_limited|internal|shutting_down|upstream_timeout|story_locked|bedrock_(?:throttled|unavailable|stream_truncated)|storyblok_(?:rate_limited|unavailable)|transcribe_(?:unavailable|limit_exceeded|session_limit))$/

export function isRetryable(code: string, status?: number): boolean {
  return RETRYABLE.test(code) || (status !== undefined && (status === 429 || status >= 500))
}

/**
 * Every failure the plugin shows or the recorder window reports: from the proxy (HTTP envelope, SSE `error` event,
 * WebSocket `error` message), from the editor bridge, or from the browser (microphone, popup). Thrown by the API
 * client, the transcriber and the bridge; kept as is in the UI state.
 */
export class PluginError extends Error {
  declare readonly code: PluginErrorCode
  declare readonly hint?: string
  declare readonly retryable: boolean
  declare readonly requestId?: string
  declare readonly status?: number
  declare readonly retryAfterSeconds?: number
  declare readonly conflicts?: Conflict[]
  declare readonly rebaseToken?: string

  constructor({ code, message, retryable, cause, ...details }: PluginErrorInit) {
    super(message, cause === undefined ? undefined : { cause })
    Object.assign(this, { code, retryable: retryable ?? isRetryable(code, details.status) })
    // Own fields only for the details present, so an error compares and logs as exactly what it carries.
    for (const [key, value] of Object.entries(details))
      if (value !== undefined && value !== '' && !(Array.isArray(value) && value.length === 0))
        Object.assign(this, { [key]: value })
  }
}
PluginError.prototype.name = 'PluginError'

/** Anything caught → a PluginError; what is not one already is a network failure (fetch's TypeError and kin). */
export function toPluginError(err: unknown): PluginError {
  if (err instanceof PluginError) return err
  const detail = err instanceof Error ? err.message : String(err)
  return new PluginError({
    code: 'network',
    message: `Could not reach the proxy (${detail}).`,
    hint: 'Check the proxyUrl option and that the proxy is running and allows this origin (CORS).',
    cause: err,
  })
}
