import type { Messages } from './i18n.ts'
import type { PluginError } from './pluginError.ts'
import type { RetryTarget } from './state.ts'

/** Kinds of failure an editor can act on; each has one sentence for what happened and one for what to do. */
export type ErrorKind = keyof Messages['errors']

/** First match wins: error codes (closed set in shared/errorCodes.ts, plus the plugin's own) → what the editor can do. */
const KINDS: Array<[ErrorKind, RegExp]> = [
  ['expired', /^change_token_expired$/],
  ['notProposed', /^change_(token_invalid|not_proposed)$/],
  ['publish', /^publish_disabled$/],
  ['locked', /locked/],
  ['busy', /throttl|rate_limit|limit_exceeded|session_limit|budget/],
  ['offline', /^(network|bad_response)$/],
  ['setup', /^aws_|denied|model|unauthorized|forbidden|not_configured|inference/],
  ['voice', /^mic_|popup|^transcribe_(bad_request|idle)/],
  ['rejected', /invalid|rejected|validation|bad_request|not_found|too_large|too_long/],
  ['editor', /editor_not_ready|^timeout$/],
  ['cutOff', /truncated/],
]

/** A failure as the editor reads it (in their language); the proxy's own words stay for the details. */
export function editorError(
  error: PluginError,
  during: RetryTarget | 'voice',
  t: Messages,
): { what: string; changed: string; todo: string } {
  const kind = KINDS.find(([, codes]) => codes.test(error.code))?.[0] ?? 'unknown'
  const { what, todo } = t.errors[kind]
  const changed = during === 'voice' ? '' : during === 'undo' ? t.undoNotDone : t.nothingChanged
  return { what, changed, todo }
}
