import { AppError } from '../http/appError.ts'
import { sleep } from '../adapters/sleep.ts'
import type { Clock, Log } from '../deps.ts'
import { createMemoryState } from './memoryState.ts'
import type { SharedState } from './sharedState.ts'
import { throttledWarn } from './stateUnavailable.ts'

/**
 * One Management API limiter per space for all instances: every request books the space's next slot in the shared
 * state and waits for it. A wait beyond `maxWaitMs` is refused at once with `storyblok_rate_limited` + Retry-After
 * instead of queueing without bound. While the state does not answer, each instance paces on its own (logged):
 * a burst may then meet Storyblok's 429, which the adapter retries.
 */
export function createStoryblokPacer({
  state,
  perSecond,
  maxWaitMs = 3_000,
  log,
  clock = { now: Date.now },
}: {
  state: SharedState
  /** Storyblok's limit per space (6 on paid plans, 3 on Starter). */
  perSecond: number
  maxWaitMs?: number
  log: Log
  clock?: Clock
}): (spaceId: number, signal?: AbortSignal) => Promise<void> {
  // At most `perSecond` requests in any 1.2 s: a quiet space answers at once (no spacing cost for one editor), and
  // a request that leaves late (a busy event loop) still lands within Storyblok's limit unless over 200 ms late.
  const burst = perSecond
  const intervalMs = Math.ceil(1200 / perSecond)
  const fallback = createMemoryState({ clock })
  const warn = throttledWarn((msg, fields) => log.warn(msg, fields))
  return async function pace(spaceId, signal) {
    const key = `storyblok:${spaceId}`
    let slot
    try {
      slot = await state.schedule(key, intervalMs, maxWaitMs, burst)
    } catch (err) {
      warn('storyblok pacing per instance: shared state unavailable', { spaceId, error: String(err) })
      slot = await fallback.schedule(key, intervalMs, maxWaitMs, burst)
    }
    if (!slot.ok) {
      const seconds = Math.max(1, Math.ceil(slot.retryAfterMs / 1000))
      throw new AppError({
        code: 'storyblok_rate_limited',
        message: `Storyblok's request limit for space ${spaceId} is in use by other requests right now.`,
        hint: `Try again in ${seconds} s.`,
        retryAfterSeconds: seconds,
      })
    }
    if (slot.waitMs > 0) await sleep(slot.waitMs, signal)
  }
}
