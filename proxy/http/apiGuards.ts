import type { MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { every } from 'hono/combine'
import { AppError } from './appError.ts'
import type { AppEnv } from './appEnv.ts'
import { requireApiKey } from './auth.ts'
import { clientAddress } from './clientAddress.ts'
import { rateLimit, type RateLimit } from './rateLimit.ts'
import { enforceTokenBudget, type BudgetGate } from './tokenBudget.ts'
import type { Config } from '../loadConfig.ts'

/** The middleware an `/api` route mounts in front of its handler, built once per app so buckets are shared. */
export type ApiGuards = {
  /** Bearer-key routes: address limit, body bound, `Authorization: Bearer <key>`, per-key limit. */
  keyed: MiddlewareHandler<AppEnv>
  /**
   * Routes a browser opens without headers (the transcription WebSocket): address limit and body bound; the route
   * itself redeems its single-use ticket.
   */
  ticketed: MiddlewareHandler<AppEnv>
  /** Model calls: refused once the key's daily budget is spent; goes after `keyed`. */
  tokenBudget: MiddlewareHandler<AppEnv>
}

export type ApiGuardsOptions = {
  config: Config
  /** Reads a Storyblok sign-in session after the key check (AUTH_MODE oauth/both). */
  editorSession?: MiddlewareHandler<AppEnv>
  rateLimits: { byKey: RateLimit; byAddress: RateLimit }
  tokenBudget: BudgetGate
}

export function apiGuards({ config, rateLimits, tokenBudget, editorSession }: ApiGuardsOptions): ApiGuards {
  // First, before the body limit and auth, so floods and key guessing from one address are cut early.
  const byAddress = rateLimit(rateLimits.byAddress, (c) => `addr:${clientAddress(c, config.access)}`, 'address')
  const bounded = bodyLimit({
    maxSize: config.access.bodyLimitBytes,
    onError: (c) => {
      // The unread rest of the body stays on the socket: tell the client not to reuse the connection.
      c.header('Connection', 'close')
      throw new AppError({
        code: 'payload_too_large',
        message: `The request body is larger than ${config.access.bodyLimitBytes} bytes.`,
      })
    },
  })
  const byKey = rateLimit(rateLimits.byKey, (c) => c.get('apiKey')?.id, 'proxy key')
  return {
    keyed: editorSession
      ? every(byAddress, bounded, requireApiKey(config), byKey, editorSession)
      : every(byAddress, bounded, requireApiKey(config), byKey),
    ticketed: every(byAddress, bounded),
    tokenBudget: enforceTokenBudget(tokenBudget),
  }
}
