import { AppError } from '../http/appError.ts'

/** The fail-closed answer when the shared state did not answer: retryable, and nothing was changed. */
export function stateUnavailable(what: string, cause: unknown): AppError {
  return new AppError({
    code: 'state_unavailable',
    message: `The proxy's shared state (Valkey/Redis) did not answer, so ${what}.`,
    retryAfterSeconds: 2,
    cause,
  })
}

/** Logs at most once per `everyMs`: a down server must not turn every request into a log line. */
export function throttledWarn(warn: (msg: string, fields: Record<string, unknown>) => void, everyMs = 10_000) {
  let last = -Infinity
  let skipped = 0
  return (msg: string, fields: Record<string, unknown>) => {
    const now = performance.now()
    if (now - last < everyMs) {
      skipped++
      return
    }
    last = now
    warn(msg, { ...fields, ...(skipped ? { skipped } : {}) })
    skipped = 0
  }
}
