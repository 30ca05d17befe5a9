import { createHash, timingSafeEqual } from 'node:crypto'
import type { Context, MiddlewareHandler } from 'hono'
import { AppError } from './appError.ts'
import type { AppEnv } from './appEnv.ts'
import type { ApiKey, Config } from '../loadConfig.ts'

const digest = (s: string) => createHash('sha256').update(s).digest()

/** Compares hashes so neither the length nor the content of a key leaks through timing. */
export function findApiKey(keys: ApiKey[], presented: string): ApiKey | undefined {
  const p = digest(presented)
  let match: ApiKey | undefined
  for (const k of keys) if (timingSafeEqual(p, digest(k.key)) && !match) match = k
  return match
}

/** `Authorization: Bearer <key>` against PROXY_API_KEYS. */
export const requireApiKey = (config: Config): MiddlewareHandler<AppEnv> =>
  async function requireApiKey(c, next) {
    const header = c.req.header('authorization') ?? ''
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header)
    if (!m?.[1]) {
      throw new AppError({
        code: 'unauthorized',
        message: header ? 'The Authorization header must be "Bearer <key>".' : 'Missing Authorization header.',
      })
    }
    const key = findApiKey(config.access.apiKeys, m[1])
    if (!key) throw new AppError({ code: 'unauthorized', message: 'This proxy key is not valid.' })
    c.set('apiKey', key)
    await next()
  }

/** A key bound to spaces (key@space) and the global SPACE_ALLOWLIST both limit which spaces may be touched. */
export function assertSpaceAllowed(c: Context<AppEnv>, config: Config, spaceId: number): void {
  const allow = config.access.spaceAllowlist
  if (allow !== 'all' && !allow.includes(spaceId)) {
    throw new AppError({
      code: 'forbidden',
      message: `Space ${spaceId} is not served by this proxy.`,
      hint: 'Ask the operator to add the space to SPACE_ALLOWLIST.',
    })
  }
  const key = c.get('apiKey')
  if (key.spaces !== 'all' && !key.spaces.includes(spaceId)) {
    throw new AppError({ code: 'forbidden', message: `This proxy key may not be used for space ${spaceId}.` })
  }
  // A Storyblok sign-in is granted for one space; its token must not be sent to another.
  const editor = c.get('editor')
  if (editor && editor.spaceId !== spaceId) {
    throw new AppError({
      code: 'forbidden',
      message: `You signed in with Storyblok for space ${editor.spaceId}, not for space ${spaceId}.`,
      hint: 'Sign in with Storyblok again from this space.',
    })
  }
}
