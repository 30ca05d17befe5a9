import type { MiddlewareHandler } from 'hono'
import { AppError } from './appError.ts'
import type { AppEnv } from './appEnv.ts'
import type { Clock } from '../deps.ts'

const DAY_MS = 86_400_000

export type TokenBudget = {
  /** Throws 429 `budget_exceeded` when `keyId` has used up today's (UTC) budget. */
  assertAvailable(keyId: string): void
  /** Adds one Bedrock reply's `usage` to `keyId`'s spend for today. */
  record(keyId: string, usage: { inputTokens: number; outputTokens: number }): void
  spent(keyId: string): number
}

/**
 * Daily token budget per proxy key, fed by Bedrock `usage`, reset at 00:00 UTC. Kept in memory: each instance
 * counts on its own (docs/DEPLOY_ECS.md). `limit` 0 turns it off. A reply already running when the budget runs
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
  return {
    assertAvailable(keyId) {
      if (limit <= 0) return
      const d = today()
      const used = spent.get(keyId) ?? 0
      if (used < limit) return
      const resetsAt = new Date((d + 1) * DAY_MS)
      throw new AppError({
        code: 'budget_exceeded',
        message: `This proxy key has used its daily budget of ${limit} tokens; it resets at ${resetsAt.toISOString()}.`,
        hint: 'Try again after the reset, or ask the operator to raise DAILY_TOKEN_BUDGET.',
        retryAfterSeconds: Math.max(1, Math.ceil((resetsAt.getTime() - clock.now()) / 1000)),
        details: { resetsAt: resetsAt.toISOString() },
      })
    },
    record(keyId, { inputTokens, outputTokens }) {
      today()
      const add = (Number.isFinite(inputTokens) ? inputTokens : 0) + (Number.isFinite(outputTokens) ? outputTokens : 0)
      spent.set(keyId, (spent.get(keyId) ?? 0) + Math.max(0, add))
    },
    spent: (keyId) => (today(), spent.get(keyId) ?? 0),
  }
}

/** Refuses model calls for a key whose budget is spent; runs after auth. */
export const enforceTokenBudget = (budget: TokenBudget): MiddlewareHandler<AppEnv> =>
  async function enforceTokenBudget(c, next) {
    const key = c.get('apiKey')
    if (key) budget.assertAvailable(key.id)
    await next()
  }
