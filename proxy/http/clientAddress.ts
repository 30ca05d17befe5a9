import type { Context } from 'hono'
import { getConnInfo } from '@hono/node-server/conninfo'

/**
 * The caller's address for per-address limits. The socket's peer address, unless `trustProxy` says one load
 * balancer sits in front: then the last X-Forwarded-For entry, the one that balancer appended (entries to its
 * left come from the client and can be forged).
 */
export function clientAddress(c: Context, { trustProxy }: { trustProxy: boolean }): string {
  if (trustProxy) {
    const last = (c.req.header('x-forwarded-for') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .at(-1)
    if (last && last.length <= 64) return last
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown'
  } catch {
    // app.request() in tests has no socket.
    return 'unknown'
  }
}
