import type { Log } from '../deps.ts'
import { budgetExceeded, tokensOf, type BudgetGate, type BudgetTurn } from '../http/tokenBudget.ts'
import type { SharedState } from './sharedState.ts'
import { stateUnavailable } from './stateUnavailable.ts'

const SETTLE_ATTEMPTS = 5

/**
 * The daily token budget per proxy key in the shared state (all instances count together). Each model request
 * first holds `holdTokens` (its likely cost), so a burst of parallel requests cannot all pass on the last tokens;
 * when it ends, the hold is replaced by Bedrock's real usage. A hold lapses after `holdMs` (crashed instance).
 * Fails closed: while the state does not answer, model requests are refused with `state_unavailable`.
 */
export function createStateTokenBudget({
  state,
  limit,
  holdTokens,
  holdMs = 10 * 60_000,
  log,
  retryDelayMs = 1_000,
}: {
  state: SharedState
  /** Tokens per key per UTC day; 0 turns the budget off. */
  limit: number
  holdTokens: number
  holdMs?: number
  log: Log
  retryDelayMs?: number
}): BudgetGate {
  const attempt = (keyId: string, holdId: string, used: number) => state.settleBudget(`tokens:${keyId}`, holdId, used)
  const retryLater = async (keyId: string, holdId: string, used: number) => {
    for (let n = 2; ; n++) {
      await new Promise((r) => setTimeout(r, retryDelayMs))
      try {
        return await attempt(keyId, holdId, used)
      } catch (err) {
        if (n >= SETTLE_ATTEMPTS) {
          // The reply is already out; the hold lapses on its own. Logged so the operator can see what went uncounted.
          log.error('token usage not counted: shared state unavailable', { keyId, tokens: used, error: String(err) })
          return
        }
      }
    }
  }
  // The first attempt is awaited (the next request of this key must see the spend); retries run in the background,
  // so a reply never waits for a down server.
  const settle = (keyId: string, holdId: string, used: number) =>
    attempt(keyId, holdId, used).catch(() => void retryLater(keyId, holdId, used))
  return {
    async open(keyId): Promise<BudgetTurn> {
      if (limit <= 0) return { record() {}, end() {} }
      let reserved
      try {
        reserved = await state.reserveBudget(`tokens:${keyId}`, { limit, amount: holdTokens, holdMs })
      } catch (err) {
        throw stateUnavailable('the daily token budget could not be checked', err)
      }
      if (!reserved.ok) throw budgetExceeded(limit, reserved.resetsAt, reserved.now)
      const { holdId } = reserved
      let used = 0
      let ended: Promise<void> | undefined
      return {
        record(usage) {
          used += tokensOf(usage)
        },
        end: () => (ended ??= settle(keyId, holdId, used)),
      }
    },
  }
}
