import { AppError } from '../http/appError.ts'
import type { Log } from '../deps.ts'
import { sleep } from './sleep.ts'
import { retryAfterSeconds, storyblokHttpError, storyblokTransportError, type StoryblokOp } from './storyblokErrors.ts'

/** What one call through `@storyblok/management-api-client` resolves to with `throwOnError: false`. */
export type MapiAttempt = { data?: unknown; error?: { response: { data?: unknown } }; response?: Response }

/** Options handed to each attempt: the caller's signal and ky options (per-attempt timeout, custom fetch). */
export type AttemptOptions = { signal?: AbortSignal; fetchOptions: Record<string, unknown> }

export type RetryPolicy = {
  /** Retries after the first attempt. */
  limit: number
  /** Total time for all attempts and waits. */
  budgetMs: number
  /** First backoff without Retry-After; doubles per retry, half of it jittered. */
  baseDelayMs: number
  /** Per attempt, capped by what is left of the budget. */
  timeoutMs: number
  random: () => number
  fetch?: typeof globalThis.fetch | undefined
  log?: Log | undefined
  /** Runs before every attempt (the shared per-space pacing); what it throws ends the call as is. */
  beforeAttempt?: ((signal: AbortSignal | undefined) => Promise<void>) | undefined
}

const RETRYABLE_5XX = [500, 502, 503, 504]

/**
 * Runs `call` with bounded retries and maps the final failure to AppError. Reads retry on 429, 5xx, network errors
 * and timeouts; writes (`write: true`) only on 429, because after a 5xx or a dropped connection the write may have
 * landed (storyblok/storyblok#822). Retry-After is honoured; a wait that would overrun the budget ends the call.
 */
export async function withRetries(
  op: StoryblokOp & { origin: string },
  call: (options: AttemptOptions) => Promise<MapiAttempt>,
  policy: RetryPolicy,
  { signal, write = false }: { signal?: AbortSignal | undefined; write?: boolean } = {},
): Promise<unknown> {
  const { limit, budgetMs, baseDelayMs, timeoutMs, random, fetch, log, beforeAttempt } = policy
  // Real time on purpose: an injected clock ages caches and may be frozen in tests.
  const started = performance.now()
  const elapsed = () => performance.now() - started
  for (let attempt = 0; ; attempt++) {
    signal?.throwIfAborted()
    await beforeAttempt?.(signal)
    const timeout = Math.max(1, Math.min(timeoutMs, budgetMs - elapsed()))
    let failure: AppError
    let retryable: boolean
    let waitMs: number | undefined
    try {
      const res = await call({ ...(signal ? { signal } : {}), fetchOptions: { timeout, ...(fetch ? { fetch } : {}) } })
      const status = res.response?.status ?? 0
      if (!res.error && res.response?.ok) return res.data
      const after = retryAfterSeconds(res.response?.headers.get('retry-after') ?? null)
      failure = storyblokHttpError(op, status, res.error?.response.data, after)
      retryable = status === 429 || (!write && RETRYABLE_5XX.includes(status))
      waitMs = after === undefined ? undefined : after * 1000
    } catch (err) {
      if (signal?.aborted) throw signal.reason
      failure = storyblokTransportError(op, err, op.origin)
      retryable = !write
    }
    const delay = waitMs ?? baseDelayMs * 2 ** attempt * (0.5 + random() / 2)
    if (!retryable || attempt >= limit || elapsed() + delay >= budgetMs) throw failure
    log?.warn('storyblok retry', {
      action: op.action,
      spaceId: op.spaceId,
      code: failure.code,
      attempt: attempt + 1,
      delayMs: Math.round(delay),
    })
    await sleep(delay, signal)
  }
}
