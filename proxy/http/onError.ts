import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { AppError, toEnvelope } from './appError.ts'
import type { AppEnv } from './appEnv.ts'
import type { Log } from '../deps.ts'
import { publicText } from './publicText.ts'

/** Turns anything thrown into the one JSON envelope; only 5xx are logged, with their cause. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err
  if (err instanceof HTTPException) {
    if (err.status === 413)
      return new AppError({ code: 'payload_too_large', message: 'The request body is too large.', cause: err })
    if (err.status === 400)
      return new AppError({ code: 'bad_request', message: err.message || 'Bad request.', cause: err })
  }
  return new AppError({ code: 'internal', message: 'Internal error.', cause: err })
}

export const onError = (log: Log) =>
  function onError(err: unknown, c: Context<AppEnv>) {
    const appError = toAppError(err)
    const requestId = c.get('requestId') ?? crypto.randomUUID()
    if (appError.status >= 500) {
      log.error('request failed', {
        requestId,
        code: appError.code,
        message: appError.message,
        path: c.req.path,
        cause: appError.cause ?? err,
      })
    } else if (publicText(appError.message) !== appError.message) {
      // The reply lost account ids, ARNs or internal URLs; the operator still needs them.
      log.warn('request refused', { requestId, code: appError.code, message: appError.message })
    }
    if (appError.retryAfterSeconds !== undefined) c.header('Retry-After', String(Math.ceil(appError.retryAfterSeconds)))
    return c.json(toEnvelope(appError, requestId), appError.status)
  }
