import type { Log } from '../deps.ts'
import type { RateLimit, TakeResult } from '../http/rateLimit.ts'
import type { SharedState } from './sharedState.ts'
import { throttledWarn } from './stateUnavailable.ts'

/**
 * Token buckets in the shared state: `perMinute` for all instances together, a minute's worth as burst (like
 * createRateLimiter). Fails open: while the state does not answer, requests pass and a warning is logged.
 */
export function createStateRateLimiter({
  state,
  perMinute,
  name,
  log,
}: {
  state: SharedState
  perMinute: number
  /** Keeps the key and address buckets apart. */
  name: string
  log: Log
}): RateLimit {
  const bucket = { capacity: perMinute, perMs: perMinute / 60_000 }
  const warn = throttledWarn((msg, fields) => log.warn(msg, fields))
  return {
    async take(id): Promise<TakeResult> {
      try {
        const taken = await state.takeToken(`rate:${name}:${id}`, bucket)
        return taken.ok
          ? { ok: true }
          : { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(taken.retryAfterMs / 1000)) }
      } catch (err) {
        warn('rate limit not checked: shared state unavailable (failing open)', { limit: name, error: String(err) })
        return { ok: true }
      }
    },
  }
}
