import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { ErrorCode } from '../../shared/errorCodes.ts'
import { publicText } from './publicText.ts'

export type { ErrorCode }

/** Every code has a status: adding a code to shared/errorCodes.ts without one here fails to compile. */
export const STATUS: Record<ErrorCode, ContentfulStatusCode> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  budget_exceeded: 429,
  conflict: 409,
  story_locked: 423,
  invalid_change: 422,
  change_token_invalid: 403,
  change_token_expired: 403,
  change_not_proposed: 403,
  publish_disabled: 403,
  story_too_large: 413,
  not_configured: 503,
  aws_credentials_missing: 503,
  aws_credentials_expired: 503,
  aws_credentials_invalid: 503,
  aws_signature_mismatch: 503,
  bedrock_access_denied: 503,
  bedrock_model_not_enabled: 503,
  bedrock_model_id_invalid: 503,
  bedrock_inference_profile_required: 503,
  bedrock_validation: 502,
  bedrock_throttled: 429,
  bedrock_unavailable: 503,
  bedrock_stream_truncated: 502,
  upstream_timeout: 504,
  transcribe_bad_request: 400,
  transcribe_limit_exceeded: 429,
  transcribe_access_denied: 503,
  transcribe_unavailable: 503,
  transcribe_session_limit: 429,
  transcribe_too_long: 413,
  transcribe_idle_timeout: 408,
  storyblok_unauthorized: 502,
  storyblok_forbidden: 502,
  storyblok_not_found: 404,
  storyblok_rate_limited: 429,
  storyblok_rejected: 422,
  storyblok_unavailable: 503,
  signin_required: 401,
  signin_failed: 400,
  shutting_down: 503,
  state_unavailable: 503,
  internal: 500,
}

/** What to do next, when the thrower has nothing more specific to say. */
export const DEFAULT_HINT: Partial<Record<ErrorCode, string>> = {
  bad_request: 'Check the request body against the API reference (docs/API.md).',
  unauthorized: 'Send "Authorization: Bearer <key>" with a key listed in PROXY_API_KEYS (the plugin option proxyKey).',
  forbidden:
    'This proxy key is not allowed to use this space. Ask the operator to add it to PROXY_API_KEYS as key@spaceId.',
  rate_limited: 'Too many requests. Wait a moment and try again.',
  payload_too_large: 'Send a smaller request.',
  internal: 'Something went wrong in the proxy. Try again; if it persists, give the operator the request id.',
  shutting_down: 'The proxy is restarting. Try again in a few seconds.',
  state_unavailable: 'Nothing was changed. Try again in a few seconds.',
  transcribe_too_long: 'Keep recordings shorter, or split your prompt into several recordings.',
  transcribe_idle_timeout: 'No audio arrived. Check that the microphone is working and try again, or type your prompt.',
  signin_required: 'Choose "Sign in with Storyblok" in the assistant, then try again.',
  transcribe_session_limit: 'Finish or close your other recordings first, then try again.',
}

export type AppErrorInit = {
  code: ErrorCode
  message: string
  hint?: string
  /** Overrides STATUS[code], e.g. 401 from an upstream mapped to a local code. */
  status?: ContentfulStatusCode
  retryAfterSeconds?: number
  /** Extra top-level reply fields, e.g. `conflicts` for a 409. Never secrets or raw upstream bodies. */
  details?: Record<string, unknown>
  cause?: unknown
}

export class AppError extends Error {
  readonly code: ErrorCode
  readonly hint: string | undefined
  readonly status: ContentfulStatusCode
  readonly retryAfterSeconds: number | undefined
  readonly details: Record<string, unknown> | undefined

  constructor({ code, message, hint, status, retryAfterSeconds, details, cause }: AppErrorInit) {
    super(message, { cause })
    this.name = 'AppError'
    this.code = code
    this.hint = hint ?? DEFAULT_HINT[code]
    this.status = status ?? STATUS[code]
    this.retryAfterSeconds = retryAfterSeconds
    this.details = details
  }
}

export type ErrorBody = {
  code: ErrorCode
  message: string
  hint?: string
  requestId: string
  retryAfterSeconds?: number
}
export type ErrorEnvelope = { error: ErrorBody } & Record<string, unknown>

/** The reply's view of an error: message and hint pass publicText (the log keeps the originals). */
export function toErrorBody(err: AppError, requestId: string): ErrorBody {
  return {
    code: err.code,
    message: publicText(err.message),
    ...(err.hint ? { hint: publicText(err.hint) } : {}),
    requestId,
    ...(err.retryAfterSeconds !== undefined ? { retryAfterSeconds: err.retryAfterSeconds } : {}),
  }
}

/** The one error envelope: `{ error: { code, message, hint, requestId }, ...details }`. */
export function toEnvelope(err: AppError, requestId: string): ErrorEnvelope {
  return { ...(err.details ?? {}), error: toErrorBody(err, requestId) }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError
}
