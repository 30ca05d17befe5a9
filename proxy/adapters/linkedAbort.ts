/**
 * An AbortController that follows the caller's signal and fires on its own after `timeoutMs` without
 * progress. `dispose()` aborts an unfinished call (e.g. the consumer stopped iterating) so the upstream closes.
 */
export function linkedAbort(parent: AbortSignal, timeoutMs: number) {
  const controller = new AbortController()
  let timedOut = false
  let completed = false
  let timer: NodeJS.Timeout | undefined
  const onParentAbort = () => controller.abort(parent.reason)
  if (parent.aborted) controller.abort(parent.reason)
  else parent.addEventListener('abort', onParentAbort, { once: true })
  const restartTimer = () => {
    // Runs once per streamed event: refresh() re-arms the same timer instead of allocating a new one per token.
    if (timer) timer.refresh()
    else {
      timer = setTimeout(() => {
        timedOut = true
        controller.abort(new DOMException('Bedrock sent nothing in time', 'TimeoutError'))
      }, timeoutMs)
    }
  }
  restartTimer()
  return {
    signal: controller.signal,
    restartTimer,
    timedOut: () => timedOut,
    complete: () => {
      completed = true
      clearTimeout(timer)
    },
    dispose: () => {
      clearTimeout(timer)
      parent.removeEventListener('abort', onParentAbort)
      if (!completed) controller.abort(new DOMException('Stream consumer went away', 'AbortError'))
    },
  }
}
