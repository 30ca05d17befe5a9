import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { cors } from 'hono/cors'
import { secureHeaders } from 'hono/secure-headers'
import type { UpgradeWebSocket } from 'hono/ws'
import { AppError } from './http/appError.ts'
import type { AppEnv } from './http/appEnv.ts'
import type { Deps } from './deps.ts'
import { createLifecycle, type Lifecycle } from './lifecycle.ts'
import { requireApiKey } from './http/auth.ts'
import { clientAddress } from './http/clientAddress.ts'
import { rateLimit, type RateLimit } from './http/rateLimit.ts'
import { enforceTokenBudget, type BudgetGate } from './http/tokenBudget.ts'
import { createMemoryState } from './state/memoryState.ts'
import { createStateRateLimiter } from './state/stateRateLimiter.ts'
import { createStateTicketStore } from './state/stateTicketStore.ts'
import { createStateTokenBudget } from './state/stateTokenBudget.ts'
import { createStoryLock } from './state/storyLock.ts'
import { requestId } from './http/requestId.ts'
import { onError } from './http/onError.ts'
import { registerChangesRoutes } from './changes/changesRoutes.ts'
import { registerConversationRoutes } from './conversation/conversationRoutes.ts'
import { registerHealthRoutes } from './health/healthRoutes.ts'
import { registerTranscribeRoutes } from './transcript/transcriptRoutes.ts'

export type App = Hono<AppEnv>

export type CreateAppOptions = {
  lifecycle?: Lifecycle
  /** From @hono/node-ws; without it the WebSocket route is not mounted (e.g. in app.request() tests). */
  upgradeWebSocket?: UpgradeWebSocket
  /** Per-key and per-address buckets; default RATE_LIMIT_PER_MINUTE each, in deps.sharedState. */
  rateLimits?: { byKey: RateLimit; byAddress: RateLimit }
  /** Daily token budget per key; default DAILY_TOKEN_BUDGET in deps.sharedState. */
  tokenBudget?: BudgetGate
}

/** Builds the proxy from its dependencies; no I/O happens here. */
export function createApp(deps: Deps, options: CreateAppOptions = {}): App {
  const { config, log, clock } = deps
  const { lifecycle = createLifecycle() } = options
  const perMinute = config.access.rateLimitPerMinute
  // Tickets, limits, budgets and story locks live here: in process by default, in Valkey/Redis with REDIS_URL.
  const state = deps.sharedState ?? createMemoryState({ clock })
  const {
    rateLimits = {
      byKey: createStateRateLimiter({ state, perMinute, name: 'key', log }),
      byAddress: createStateRateLimiter({ state, perMinute, name: 'addr', log }),
    },
    tokenBudget = createStateTokenBudget({
      state,
      limit: config.access.dailyTokenBudget,
      holdTokens: config.bedrock.maxTokens,
      log,
    }),
  } = options
  const app = new Hono<AppEnv>()

  app.use('*', requestId())
  app.use(
    '*',
    secureHeaders({
      crossOriginResourcePolicy: 'cross-origin',
      crossOriginEmbedderPolicy: false,
      // JSON and SSE: nothing may load or frame these replies. A page route (the recorder) sets its own nonce CSP,
      // which is kept (overwrite: false); every other header is still added where a route did not set it.
      contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
      overwrite: false,
    }),
  )
  app.use(
    '*',
    cors({
      origin: (origin) => (config.access.allowedOrigins.includes(origin) ? origin : null),
      allowMethods: ['GET', 'POST', 'OPTIONS'],
      allowHeaders: ['Authorization', 'Content-Type', 'Accept', 'X-Request-Id'],
      exposeHeaders: ['Retry-After', 'X-Request-Id'],
      credentials: false,
      maxAge: 600,
    }),
  )
  app.use('*', async function refuseWhileStopping(c, next) {
    if (lifecycle.shuttingDown && c.req.path !== '/health') {
      c.header('Connection', 'close')
      throw new AppError({ code: 'shutting_down', message: 'The proxy is shutting down.', retryAfterSeconds: 5 })
    }
    // Every request counts as in-flight work, so SIGTERM waits for a running apply (not only for streams).
    await lifecycle.track(next())
  })
  // Before the body limit and auth, so floods and key guessing from one address are cut early.
  app.use(
    '/api/*',
    rateLimit(rateLimits.byAddress, (c) => `addr:${clientAddress(c, config.access)}`, 'address'),
  )
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: config.access.bodyLimitBytes,
      onError: (c) => {
        // The unread rest of the body stays on the socket: tell the client not to reuse the connection.
        c.header('Connection', 'close')
        throw new AppError({
          code: 'payload_too_large',
          message: `The request body is larger than ${config.access.bodyLimitBytes} bytes.`,
        })
      },
    }),
  )
  const checkApiKey = requireApiKey(config)
  app.use('/api/*', async function auth(c, next) {
    // The transcription WebSocket authenticates with a single-use ticket: browsers cannot send headers there.
    if (c.req.path === '/api/transcribe' && c.req.method === 'GET') return next()
    return checkApiKey(c, next)
  })
  app.use(
    '/api/*',
    rateLimit(rateLimits.byKey, (c) => c.get('apiKey')?.id, 'proxy key'),
  )
  app.use('/api/conversation', enforceTokenBudget(tokenBudget))
  app.use('/api/test-bedrock', enforceTokenBudget(tokenBudget))

  registerHealthRoutes(app, deps)
  registerConversationRoutes(app, deps, lifecycle)
  registerChangesRoutes(app, deps, { storyLock: createStoryLock({ state, log }) })
  if (options.upgradeWebSocket)
    registerTranscribeRoutes(app, deps, {
      upgradeWebSocket: options.upgradeWebSocket,
      tickets: createStateTicketStore({ state }),
    })

  const handleError = onError(log)
  app.notFound((c) =>
    handleError(
      new AppError({
        code: 'not_found',
        message: `No route for ${c.req.method} ${c.req.path.slice(0, 200)}.`,
        hint: 'See docs/API.md for the routes.',
      }),
      c,
    ),
  )
  app.onError(handleError)
  return app
}
