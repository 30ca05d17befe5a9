import { AppError } from './http/appError.ts'

/** Tracks in-flight work so SIGTERM can stop accepting, let streams finish (bounded), then exit. */
export type Lifecycle = {
  readonly shuttingDown: boolean
  /** Aborts when the grace period is over: long streams end with a clear error instead of being cut. */
  readonly deadline: AbortSignal
  track<T>(work: Promise<T>): Promise<T>
  /**
   * A story write: refused with shutting_down once the grace period is over and it has not started; once started,
   * shutdown waits for it whatever the grace, so a write that lands is always answered (with its undo token).
   */
  write<T>(work: () => Promise<T>): Promise<T>
  inFlight(): number
  shutdown(graceMs: number): Promise<{ finished: number; aborted: number }>
}

/** How long shutdown waits for a story write already started, beyond the grace (the Storyblok call's own bound). */
const WRITE_WAIT_MS = 60_000

export function createLifecycle(): Lifecycle {
  const pending = new Set<Promise<unknown>>()
  const writes = new Set<Promise<unknown>>()
  const deadline = new AbortController()
  let shuttingDown = false
  let stopped = false
  return {
    get shuttingDown() {
      return shuttingDown
    },
    deadline: deadline.signal,
    track(work) {
      // Track settlement only: the caller handles the outcome, so no second rejection escapes here.
      const settled: Promise<unknown> = work.then(
        () => pending.delete(settled),
        () => pending.delete(settled),
      )
      pending.add(settled)
      return work
    },
    write(work) {
      if (deadline.signal.aborted || stopped)
        return Promise.reject(
          new AppError({
            code: 'shutting_down',
            message: 'The proxy is restarting; nothing was saved.',
            hint: 'Apply again in a few seconds.',
            retryAfterSeconds: 5,
          }),
        )
      const running = work()
      const settled: Promise<unknown> = running.then(
        () => writes.delete(settled),
        () => writes.delete(settled),
      )
      writes.add(settled)
      return running
    },
    inFlight: () => pending.size,
    async shutdown(graceMs) {
      shuttingDown = true
      const before = pending.size
      let timer: NodeJS.Timeout | undefined
      const timedOut = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), graceMs)))
      const all = Promise.allSettled([...pending]).then(() => 'done' as const)
      const outcome = await Promise.race([all, timedOut])
      clearTimeout(timer)
      if (outcome === 'timeout') {
        const left = pending.size
        deadline.abort(new Error('shutdown'))
        await Promise.race([Promise.allSettled([...pending]), new Promise((r) => setTimeout(r, 2000))])
        await settleWrites(writes)
        stopped = true
        return { finished: before - left, aborted: left }
      }
      await settleWrites(writes)
      stopped = true
      return { finished: before, aborted: 0 }
    },
  }
}

/** Started writes are not cut by the grace period: the client must get the reply of a write that landed. */
async function settleWrites(writes: Set<Promise<unknown>>): Promise<void> {
  if (writes.size === 0) return
  let timer: NodeJS.Timeout | undefined
  await Promise.race([Promise.allSettled([...writes]), new Promise((r) => (timer = setTimeout(r, WRITE_WAIT_MS)))])
  clearTimeout(timer)
}
