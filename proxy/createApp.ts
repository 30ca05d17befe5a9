import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { cors } from 'hono/cors'
import { secureHeaders } from 'hono/secure-headers'
import type { UpgradeWebSocket } from 'hono/ws'
import { AppError } from './appError.ts'
import type { AppEnv } from './appEnv.ts'
import type { Deps } from './deps.ts'
import { createLifecycle, type Lifecycle } from './lifecycle.ts'
import { requireApiKey } from './middleware/auth.ts'
import { requestId } from './middleware/requestId.ts'
import { onError } from './onError.ts'
import { registerConversationRoutes } from './routes/conversation.ts'
import { registerHealthRoutes } from './routes/health.ts'

export type App = Hono<AppEnv>

export type CreateAppOptions = {
  lifecycle?: Lifecycle
  /** From @hono/node-ws; without it the WebSocket route is not mounted (e.g. in app.request() tests). */
  upgradeWebSocket?: UpgradeWebSocket
}

/** Builds the proxy from its dependencies; no I/O happens here. */
export function createApp(deps: Deps, { lifecycle = createLifecycle() }: CreateAppOptions = {}): App {
  const { config, log } = deps
  const app = new Hono<AppEnv>()

  app.use('*', requestId())
  app.use('*', secureHeaders({ crossOriginResourcePolicy: 'cross-origin', crossOriginEmbedderPolicy: false }))
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
    await next()
  })
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: config.access.bodyLimitBytes,
      onError: () => {
        throw new AppError({ code: 'payload_too_large', message: `The request body is larger than ${config.access.bodyLimitBytes} bytes.` })
      },
    }),
  )
  app.use('/api/*', async function auth(c, next) {
    // The transcription WebSocket authenticates with a single-use ticket: browsers cannot send headers there.
    if (c.req.path === '/api/transcribe' && c.req.method === 'GET') return next()
    return requireApiKey(config)(c, next)
  })

  registerHealthRoutes(app, deps)
  registerConversationRoutes(app, deps, lifecycle)

  const handleError = onError(log)
  app.notFound((c) =>
    handleError(new AppError({ code: 'not_found', message: `No route for ${c.req.method} ${c.req.path.slice(0, 200)}.`, hint: 'See docs/API.md for the routes.' }), c),
  )
  app.onError(handleError)
  return app
}
