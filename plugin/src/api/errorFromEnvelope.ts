import type { Conflict } from '../../../shared/contract.ts'
import { isRecord } from '../../../shared/isRecord.ts'
import { PluginError } from '../pluginError.ts'

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)

function isConflict(v: unknown): v is Conflict {
  return isRecord(v) && typeof v['blockUid'] === 'string' && typeof v['field'] === 'string'
}

/** `{error:{code,message,hint,requestId}, ...details}` (or an SSE/WebSocket `error` message's data) → PluginError. */
export function errorFromEnvelope(body: unknown, status?: number): PluginError {
  const inner = isRecord(body) && isRecord(body['error']) ? body['error'] : body
  if (!isRecord(inner) || typeof inner['code'] !== 'string' || typeof inner['message'] !== 'string') {
    return badResponse(
      status === undefined
        ? 'The proxy sent an unreadable error.'
        : `The proxy answered ${status} without an error description.`,
      status,
    )
  }
  const retry = inner['retryAfterSeconds']
  return new PluginError({
    code: inner['code'],
    message: inner['message'],
    hint: str(inner['hint']),
    requestId: str(inner['requestId']),
    status,
    retryAfterSeconds: typeof retry === 'number' ? retry : undefined,
    conflicts: isRecord(body) && Array.isArray(body['conflicts']) ? body['conflicts'].filter(isConflict) : undefined,
    rebaseToken: isRecord(body) ? str(body['rebaseToken']) : undefined,
  })
}

/** A reply that is not what the proxy sends: most likely proxyUrl points somewhere else. */
export function badResponse(message: string, status?: number): PluginError {
  return new PluginError({
    code: 'bad_response',
    message,
    hint: 'Check that proxyUrl points at the voice assistant proxy.',
    status,
  })
}
