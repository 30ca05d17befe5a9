import type { ApiKey } from '../loadConfig.ts'
import type { BudgetTurn } from './tokenBudget.ts'
import type { SignedInEditor } from '../../shared/signInProtocol.ts'

/** Hono context variables shared by middleware and routes. */
export type AppEnv = {
  Variables: {
    requestId: string
    /** The authenticated caller; absent on public routes. */
    apiKey: ApiKey
    /** Set by enforceTokenBudget on model routes. */
    budgetTurn: BudgetTurn & { keepOpen(): void }
    /** The verified Storyblok user of a sign-in session (AUTH_MODE oauth/both); absent without one. */
    editor: (SignedInEditor & { sid: string }) | undefined
  }
}
