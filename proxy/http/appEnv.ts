import type { ApiKey } from '../loadConfig.ts'

/** Hono context variables shared by middleware and routes. */
export type AppEnv = {
  Variables: {
    requestId: string
    /** The authenticated caller; absent on public routes. */
    apiKey: ApiKey
  }
}
