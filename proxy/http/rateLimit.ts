import type { Context, MiddlewareHandler } from 'hono'
import { AppError } from './appError.ts'
import type { AppEnv } from './appEnv.ts'
import type { Clock } from '../deps.ts'

export type TakeResult = { ok: true; retryAfterSeconds?: never } | { ok: false; retryAfterSeconds: number }

/** What the middleware needs: the in-process limiter below, or the shared one (proxy/state/stateRateLimiter.ts). */
export type RateLimit = {
  /** Takes one token from `id`'s bucket. */
  take(id: string): TakeResult | Promise<TakeResult>
}

export type RateLimiter = RateLimit & {
  take(id: string): TakeResult
  /** Buckets currently held (idle full ones are dropped). */
  size(): number
}

export type RateLimiterOptions = {
  clock: Clock
  /** Sustained rate; also the burst size, so a quiet caller may send a minute's worth at once. */
  perMinute: number
  /** Above this many buckets, full (idle) ones are swept on the next take; bounds memory under address spraying. */
  maxBuckets?: number
}

/** Token buckets keyed by caller, refilled continuously from the injected clock (no timers). */
export function createRateLimiter({ clock, perMinute, maxBuckets = 10_000 }: RateLimiterOptions): RateLimiter {
  const capacity = perMinute
  const perMs = perMinute / 60_000
  const buckets = new Map<string, { tokens: number; at: number }>()

  const refill = (b: { tokens: number; at: number }, now: number) => {
    b.tokens = Math.min(capacity, b.tokens + Math.max(0, now - b.at) * perMs)
    b.at = now
  }
  const sweep = (now: number) => {
    for (const [id, b] of buckets) {
      refill(b, now)
      if (b.tokens >= capacity) buckets.delete(id)
    }
  }

  return {
    take(id) {
      const now = clock.now()
      if (buckets.size >= maxBuckets && !buckets.has(id)) sweep(now)
      const b = buckets.get(id) ?? { tokens: capacity, at: now }
      refill(b, now)
      buckets.set(id, b)
      if (b.tokens >= 1) {
        b.tokens -= 1
        return { ok: true }
      }
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / perMs / 1000)) }
    },
    size: () => buckets.size,
  }
}

/** 429 `rate_limited` with Retry-After when `idOf(c)`'s bucket is empty; `idOf` returning undefined skips. */
export const rateLimit = (
  limiter: RateLimit,
  idOf: (c: Context<AppEnv>) => string | undefined,
  what: string,
): MiddlewareHandler<AppEnv> =>
  async function rateLimit(c, next) {
    const id = idOf(c)
    if (id !== undefined) {
      const taken = await limiter.take(id)
      if (!taken.ok) {
        throw new AppError({
          code: 'rate_limited',
          message: `Too many requests from this ${what}.`,
          hint: `Wait ${taken.retryAfterSeconds} s and try again.`,
          retryAfterSeconds: taken.retryAfterSeconds,
        })
      }
    }
    await next()
  }
