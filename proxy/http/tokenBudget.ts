import type { MiddlewareHandler } from 'hono'
import { AppError } from './appError.ts'
import type { AppEnv } from './appEnv.ts'
import type { Clock } from '../deps.ts'

const DAY_MS = 86_400_000

/** What a budget counts of one Bedrock reply (the fields of shared/contract.ts `Usage`). */
export type BudgetUsage = {
  inputTokens: number
  outputTokens: number
  cacheReadInputTokens?: number
  cacheWriteInputTokens?: number
}

/**
 * Every token the model processed: Converse reports cached prompt tokens apart from `inputTokens`, so without them a
 * conversation that reads its outline from the cache would look almost free to the daily budget.
 */
export function tokensOf(usage: BudgetUsage): number {
  const n = (v: number | undefined) => (v !== undefined && Number.isFinite(v) && v > 0 ? v : 0)
  return n(usage.inputTokens) + n(usage.outputTokens) + n(usage.cacheReadInputTokens) + n(usage.cacheWriteInputTokens)
}

/** One model request's share of a budget: usage is recorded as it arrives, `end()` when the request is over. */
export type BudgetTurn = {
  record(usage: BudgetUsage): void
  end(): void | Promise<void>
}

/** What the middleware needs: the in-process budget below, or the shared one (proxy/state/stateTokenBudget.ts). */
export type BudgetGate = {
  /** Refuses with 429 `budget_exceeded` when `keyId` has used up today's budget; otherwise opens a turn. */
  open(keyId: string): BudgetTurn | Promise<BudgetTurn>
}

export type TokenBudget = BudgetGate & {
  /** Throws 429 `budget_exceeded` when `keyId` has used up today's (UTC) budget. */
  assertAvailable(keyId: string): void
  /** Adds one Bedrock reply's `usage` to `keyId`'s spend for today. */
  record(keyId: string, usage: BudgetUsage): void
  spent(keyId: string): number
}

/**
 * Daily token budget per proxy key, fed by Bedrock `usage`, reset at 00:00 UTC. Kept in memory: each instance
 * counts on its own (with REDIS_URL, proxy/state/stateTokenBudget.ts counts for all; docs/DEPLOY_ECS.md). `limit` 0 turns it off. A reply already running when the budget runs
 * out finishes; the next request is refused.
 */
export function createTokenBudget({ clock, limit }: { clock: Clock; limit: number }): TokenBudget {
  let day = -1
  const spent = new Map<string, number>()
  const today = () => {
    const d = Math.floor(clock.now() / DAY_MS)
    if (d !== day) {
      day = d
      spent.clear()
    }
    return d
  }
  const budget: TokenBudget = {
    assertAvailable(keyId) {
      if (limit <= 0) return
      const d = today()
      const used = spent.get(keyId) ?? 0
      if (used < limit) return
      throw budgetExceeded(limit, (d + 1) * DAY_MS, clock.now())
    },
    open(keyId) {
      budget.assertAvailable(keyId)
      return { record: (usage) => budget.record(keyId, usage), end() {} }
    },
    record(keyId, usage) {
      today()
      spent.set(keyId, (spent.get(keyId) ?? 0) + tokensOf(usage))
    },
    spent: (keyId) => (today(), spent.get(keyId) ?? 0),
  }
  return budget
}

export function budgetExceeded(limit: number, resetsAtMs: number, nowMs: number): AppError {
  const resetsAt = new Date(resetsAtMs).toISOString()
  return new AppError({
    code: 'budget_exceeded',
    message: `This proxy key has used its daily budget of ${limit} tokens; it resets at ${resetsAt}.`,
    hint: 'Try again after the reset, or ask the operator to raise DAILY_TOKEN_BUDGET.',
    retryAfterSeconds: Math.max(1, Math.ceil((resetsAtMs - nowMs) / 1000)),
    details: { resetsAt },
  })
}

/**
 * Refuses model calls for a key whose budget is spent; runs after auth. The turn ends when the route returns,
 * unless the route calls `keepOpen()` on `c.get('budgetTurn')` (a stream that outlives the handler) and ends it.
 */
export const enforceTokenBudget = (budget: BudgetGate): MiddlewareHandler<AppEnv> =>
  async function enforceTokenBudget(c, next) {
    const key = c.get('apiKey')
    if (!key) return next()
    const opened = await budget.open(key.id)
    let kept = false
    c.set('budgetTurn', {
      record: (usage) => opened.record(usage),
      end: () => opened.end(),
      keepOpen: () => void (kept = true),
    })
    try {
      await next()
    } finally {
      if (!kept) await opened.end()
    }
  }
