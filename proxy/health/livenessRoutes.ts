import { Hono } from 'hono'
import type { AppEnv } from '../http/appEnv.ts'
import type { Deps } from '../deps.ts'

/** `GET /health`: public, and answered while the proxy drains (createApp mounts it ahead of the shutdown gate). */
export function livenessRoutes({ config }: Deps): Hono<AppEnv> {
  return new Hono<AppEnv>().get('/health', (c) =>
    c.json({ status: 'healthy', service: config.service.name, version: config.service.version }),
  )
}
