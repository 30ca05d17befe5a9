import { Hono } from 'hono'
import { cors } from 'hono/cors'
import { secureHeaders } from 'hono/secure-headers'
import type { UpgradeWebSocket } from 'hono/ws'
import { AppError } from './http/appError.ts'
import type { AppEnv } from './http/appEnv.ts'
import type { Deps } from './deps.ts'
import { createLifecycle, type Lifecycle } from './lifecycle.ts'
import { apiGuards } from './http/apiGuards.ts'
import type { RateLimit } from './http/rateLimit.ts'
import type { BudgetGate } from './http/tokenBudget.ts'
import { createMemoryState } from './state/memoryState.ts'
import { createStateRateLimiter } from './state/stateRateLimiter.ts'
import { createStateTicketStore } from './state/stateTicketStore.ts'
import { createStateTokenBudget } from './state/stateTokenBudget.ts'
import { createStoryLock } from './state/storyLock.ts'
import { requestId } from './http/requestId.ts'
import { onError } from './http/onError.ts'
import { changesRoutes } from './changes/changesRoutes.ts'
import { conversationRoutes } from './conversation/conversationRoutes.ts'
import { healthRoutes } from './health/healthRoutes.ts'
import { livenessRoutes } from './health/livenessRoutes.ts'
import { transcriptRoutes } from './transcript/transcriptRoutes.ts'
import { createChangeTokens } from './authority/changeToken.ts'
import { authRoutes } from './session/authRoutes.ts'
import { signInWiring } from './session/signInWiring.ts'
import { SESSION_HEADER } from '../shared/signInProtocol.ts'

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

/**
 * Builds the proxy from its dependencies; no I/O happens here. Each step of the flow is a sub-app that guards its
 * own routes (apiGuards); this function only adds what every reply shares and the order they are mounted in.
 */
export function createApp(deps: Deps, options: CreateAppOptions = {}): App {
  const { config, log, clock } = deps
  const { lifecycle = createLifecycle(), upgradeWebSocket } = options
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
  const tokens = createChangeTokens({ secrets: config.authority.signingSecrets, clock })
  const signIn = signInWiring(deps)
  // From here on the Storyblok port speaks as the signed-in editor wherever a session came with the request.
  if (signIn.storyblok) deps = { ...deps, storyblok: signIn.storyblok }
  const guards = apiGuards({
    config,
    rateLimits,
    tokenBudget,
    ...(signIn.sessions ? { editorSession: signIn.sessions.middleware } : {}),
  })
  const app = new Hono<AppEnv>()

  app.use(
    requestId(),
    secureHeaders({
      crossOriginResourcePolicy: 'cross-origin',
      crossOriginEmbedderPolicy: false,
      // JSON and SSE: nothing may load or frame these replies. A page route (the recorder) sets its own nonce CSP,
      // which is kept (overwrite: false); every other header is still added where a route did not set it.
      contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
      overwrite: false,
    }),
    cors({
      origin: (origin) => (config.access.allowedOrigins.includes(origin) ? origin : null),
      allowMethods: ['GET', 'POST', 'OPTIONS'],
      allowHeaders: ['Authorization', 'Content-Type', 'Accept', 'X-Request-Id', SESSION_HEADER],
      exposeHeaders: ['Retry-After', 'X-Request-Id', SESSION_HEADER],
      credentials: false,
      maxAge: 600,
    }),
  )
  // Mounted ahead of the shutdown gate: the liveness probe keeps answering while running work drains.
  app.route('/', livenessRoutes(deps))
  app.use(async function refuseWhileStopping(c, next) {
    if (lifecycle.shuttingDown) {
      c.header('Connection', 'close')
      throw new AppError({ code: 'shutting_down', message: 'The proxy is shutting down.', retryAfterSeconds: 5 })
    }
    // Every request counts as in-flight work, so SIGTERM waits for a running apply (not only for streams).
    await lifecycle.track(next())
  })

  app.route('/', healthRoutes(deps, guards))
  app.route('/', authRoutes(deps, { guards, ...signIn }))
  app.route('/', conversationRoutes(deps, { lifecycle, guards, tokens }))
  app.route('/', changesRoutes(deps, { guards, tokens, lifecycle, storyLock: createStoryLock({ state, log }) }))
  if (upgradeWebSocket)
    app.route('/', transcriptRoutes(deps, { upgradeWebSocket, guards, tickets: createStateTicketStore({ state }) }))

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
