import { getCurrentScope, onScopeDispose, shallowRef, type Ref } from 'vue'

export type Countdown = {
  /** Whole seconds left; 0 when not running. */
  remaining: Readonly<Ref<number>>
  /** Starts (or restarts) the countdown; `onDone` runs once it reaches zero, unless stopped first. */
  start(onDone: () => void): void
  stop(): void
}

export type CountdownOptions = {
  /** @default 3 */
  seconds?: number
  /** @default globalThis.setTimeout */
  setTimeout?: (fn: () => void, ms: number) => unknown
  /** @default globalThis.clearTimeout */
  clearTimeout?: (handle: never) => void
}

/** A visible, stoppable delay before something happens on its own (a spoken request is sent, a command runs). */
export function useCountdown({
  seconds = 3,
  setTimeout = globalThis.setTimeout,
  clearTimeout = globalThis.clearTimeout,
}: CountdownOptions = {}): Countdown {
  const remaining = shallowRef(0)
  let timer: unknown
  const stop = () => {
    if (timer !== undefined) clearTimeout(timer as never)
    timer = undefined
    remaining.value = 0
  }
  function start(onDone: () => void) {
    stop()
    remaining.value = seconds
    const tick = () => {
      remaining.value -= 1
      if (remaining.value > 0) timer = setTimeout(tick, 1000)
      else {
        timer = undefined
        onDone()
      }
    }
    timer = setTimeout(tick, 1000)
  }
  if (getCurrentScope()) onScopeDispose(stop)
  return { remaining, start, stop }
}
