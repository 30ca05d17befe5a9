/** Tracks in-flight work so SIGTERM can stop accepting, let streams finish (bounded), then exit. */
export type Lifecycle = {
  readonly shuttingDown: boolean
  /** Aborts when the grace period is over: long streams end with a clear error instead of being cut. */
  readonly deadline: AbortSignal
  track<T>(work: Promise<T>): Promise<T>
  inFlight(): number
  shutdown(graceMs: number): Promise<{ finished: number; aborted: number }>
}

export function createLifecycle(): Lifecycle {
  const pending = new Set<Promise<unknown>>()
  const deadline = new AbortController()
  let shuttingDown = false
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
        return { finished: before - left, aborted: left }
      }
      return { finished: before, aborted: 0 }
    },
  }
}
