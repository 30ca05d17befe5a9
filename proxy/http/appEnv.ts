import type { ApiKey } from '../loadConfig.ts'
import type { BudgetTurn } from './tokenBudget.ts'

/** Hono context variables shared by middleware and routes. */
export type AppEnv = {
  Variables: {
    requestId: string
    /** The authenticated caller; absent on public routes. */
    apiKey: ApiKey
    /** Set by enforceTokenBudget on model routes. */
    budgetTurn: BudgetTurn & { keepOpen(): void }
  }
}
