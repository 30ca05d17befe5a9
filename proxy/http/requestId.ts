import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from './appEnv.ts'

const SAFE_ID = /^[A-Za-z0-9._-]{8,64}$/

/** Every reply carries X-Request-Id; a caller's own id is kept when it is harmless. */
export const requestId = (): MiddlewareHandler<AppEnv> =>
  async function requestId(c, next) {
    const incoming = c.req.header('x-request-id')
    const id = incoming && SAFE_ID.test(incoming) ? incoming : crypto.randomUUID()
    c.set('requestId', id)
    c.header('X-Request-Id', id)
    await next()
  }
