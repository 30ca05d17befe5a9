import type { ErrorCode } from '../../../shared/errorCodes.ts'
import type { Conflict } from '../../../shared/contract.ts'
import { isRecord } from '../../../shared/isRecord.ts'

/**
 * A code from the proxy, or one the client itself saw: no network, an unreadable reply, a timeout. A newer proxy may
 * send a code this build does not know yet, so any string is kept.
 */
export type ProxyErrorCode = ErrorCode | 'network' | 'bad_response' | 'timeout' | (string & {})

/** Every failure the UI shows: the proxy's envelope, or a network/response problem described the same way. */
export type ProxyError = {
  code: ProxyErrorCode
  message: string
  hint?: string
  requestId?: string
  status?: number
  retryAfterSeconds?: number
  conflicts?: Conflict[]
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)

function isConflict(v: unknown): v is Conflict {
  return isRecord(v) && typeof v['blockUid'] === 'string' && typeof v['field'] === 'string'
}

/** `{error:{code,message,hint,requestId}, ...details}` (or an SSE `error` event's data) → ProxyError. */
export function proxyErrorFromEnvelope(body: unknown, status?: number): ProxyError {
  const inner = isRecord(body) && isRecord(body['error']) ? body['error'] : body
  if (!isRecord(inner) || typeof inner['code'] !== 'string' || typeof inner['message'] !== 'string') {
    return badResponse(
      status === undefined
        ? 'The proxy sent an unreadable error.'
        : `The proxy answered ${status} without an error description.`,
      status,
    )
  }
  const conflicts =
    isRecord(body) && Array.isArray(body['conflicts']) ? body['conflicts'].filter(isConflict) : undefined
  const hint = str(inner['hint'])
  const requestId = str(inner['requestId'])
  const retry = inner['retryAfterSeconds']
  return {
    code: inner['code'],
    message: inner['message'],
    ...(hint ? { hint } : {}),
    ...(requestId ? { requestId } : {}),
    ...(status !== undefined ? { status } : {}),
    ...(typeof retry === 'number' ? { retryAfterSeconds: retry } : {}),
    ...(conflicts && conflicts.length > 0 ? { conflicts } : {}),
  }
}

export function networkError(cause: unknown): ProxyError {
  const detail = cause instanceof Error ? cause.message : String(cause)
  return {
    code: 'network',
    message: `Could not reach the proxy (${detail}).`,
    hint: 'Check the proxyUrl option and that the proxy is running and allows this origin (CORS).',
  }
}

export function badResponse(message: string, status?: number): ProxyError {
  return {
    code: 'bad_response',
    message,
    hint: 'Check that proxyUrl points at the voice assistant proxy.',
    ...(status !== undefined ? { status } : {}),
  }
}

export function isProxyError(v: unknown): v is ProxyError {
  return isRecord(v) && typeof v['code'] === 'string' && typeof v['message'] === 'string' && !(v instanceof Error)
}
