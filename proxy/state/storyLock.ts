import { AppError } from '../http/appError.ts'
import { oneAtATime } from '../changes/oneAtATime.ts'
import { sleep } from '../adapters/sleep.ts'
import type { Log } from '../deps.ts'
import type { Lease, SharedState } from './sharedState.ts'
import { stateUnavailable } from './stateUnavailable.ts'

export type StoryLock = {
  /**
   * Runs `work` while holding `key` for all instances. `work` calls `beforeWrite()` right before its write: it
   * throws unless the lease is still held (then extended), so a holder whose lease lapsed never writes.
   */
  run<T>(key: string, work: (beforeWrite: () => Promise<void>) => Promise<T>, signal?: AbortSignal): Promise<T>
}

/**
 * One apply per story at a time across instances: a lease with expiry (a crashed holder blocks the story for at most
 * `ttlMs`) and a fencing check before the write. Within one instance applies queue in arrival order first
 * (oneAtATime), so only one of them polls the shared state. Fails closed: no state, no apply (`state_unavailable`).
 */
export function createStoryLock({
  state,
  log,
  ttlMs = 30_000,
  maxWaitMs = 20_000,
}: {
  state: SharedState
  log: Log
  /** Longer than one apply can take (a read and a write, each within the Storyblok retry budget of 10 s). */
  ttlMs?: number
  /** How long an apply waits for another instance's apply to the same story. */
  maxWaitMs?: number
}): StoryLock {
  const local = oneAtATime()

  async function acquire(key: string, signal?: AbortSignal): Promise<Lease> {
    const started = performance.now()
    for (let attempt = 0; ; attempt++) {
      let grant
      try {
        grant = await state.acquireLease(`story:${key}`, ttlMs)
      } catch (err) {
        throw stateUnavailable('the story could not be locked and nothing was saved', err)
      }
      if (grant.ok) return grant
      const waited = performance.now() - started
      if (waited >= maxWaitMs) {
        throw new AppError({
          code: 'conflict',
          message: 'Another change to this story is still being saved.',
          hint: 'Nothing was saved. Try again in a few seconds.',
          retryAfterSeconds: Math.max(1, Math.ceil(grant.retryAfterMs / 1000)),
        })
      }
      // Short polls: applies take a few hundred ms; the lease's remaining time bounds the wait.
      await sleep(Math.min(grant.retryAfterMs, 25 * 2 ** Math.min(attempt, 3), maxWaitMs - waited), signal)
    }
  }

  return {
    run(key, work, signal) {
      return local(key, async () => {
        const lease = await acquire(key, signal)
        const beforeWrite = async () => {
          let held: boolean
          try {
            held = await state.checkLease(`story:${key}`, lease, ttlMs)
          } catch (err) {
            throw stateUnavailable('the story lock could not be checked and nothing was saved', err)
          }
          if (!held) {
            log.warn('story lock lapsed before the write; not writing', { story: key, fence: lease.fence })
            throw new AppError({
              code: 'conflict',
              message: 'Saving took too long and another change to this story may have started.',
              hint: 'Nothing was saved. Reload the story and try again.',
              retryAfterSeconds: 1,
            })
          }
        }
        try {
          return await work(beforeWrite)
        } finally {
          // A failed release is harmless: the lease lapses after ttlMs.
          await state
            .releaseLease(`story:${key}`, lease)
            .catch((err: unknown) =>
              log.warn('story lock not released; it lapses on its own', { story: key, error: String(err) }),
            )
        }
      })
    },
  }
}
