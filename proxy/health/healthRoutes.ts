import { Hono } from 'hono'
import { AppError } from '../http/appError.ts'
import type { AppEnv } from '../http/appEnv.ts'
import type { ApiGuards } from '../http/apiGuards.ts'
import type { Deps } from '../deps.ts'
import { findApiKey } from '../http/auth.ts'
import type { Config } from '../loadConfig.ts'
import { publicModelId } from '../http/publicText.ts'

/** `GET /ready` (public) and the debug-only `GET /api/test-bedrock` (keyed, spends budget). */
export function healthRoutes(
  { config, credentials, bedrock, clock, sharedState }: Deps,
  guards: ApiGuards,
): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.get('/ready', async (c) => {
    const [creds, state] = await Promise.all([credentials.check(), sharedState?.health()])
    const checks = {
      awsCredentials: creds.ok ? { ok: true, source: creds.source } : { ok: false, error: creds.error },
      storyblokToken: config.storyblok.token
        ? { ok: true, kind: config.storyblok.token.kind }
        : config.auth.mode === 'oauth'
          ? { ok: true, kind: 'editor sign-in' }
          : { ok: false, error: 'STORYBLOK_TOKEN is not set' },
      // Only with REDIS_URL: the in-process state is always there.
      ...(state && state.kind !== 'memory'
        ? {
            sharedState: state.ok
              ? { ok: true, kind: state.kind, latencyMs: state.latencyMs }
              : { ok: false, kind: state.kind, error: `Valkey/Redis does not answer: ${state.error}`.slice(0, 300) },
          }
        : {}),
    }
    const ready = checks.awsCredentials.ok && checks.storyblokToken.ok && (checks.sharedState?.ok ?? true)
    // Without a key: ready or not, nothing about how the proxy is set up (credential sources, token kinds).
    if (!hasApiKey(c.req.header('authorization'), config))
      return c.json({ status: ready ? 'ready' : 'not_ready' }, ready ? 200 : 503)
    return c.json({ status: ready ? 'ready' : 'not_ready', checks }, ready ? 200 : 503)
  })

  /** One tiny Converse call; only with DEBUG=true, since it spends tokens. */
  app.get('/api/test-bedrock', guards.keyed, guards.tokenBudget, async (c) => {
    if (!config.debug)
      throw new AppError({
        code: 'not_found',
        message: 'Not found.',
        hint: 'Set DEBUG=true to enable /api/test-bedrock.',
      })
    const started = clock.now()
    const reply = await bedrock.converse(
      {
        system: [{ text: 'Reply with the single word: ok' }],
        messages: [{ role: 'user', content: [{ text: 'ping' }] }],
        maxTokens: 10,
      },
      c.req.raw.signal,
    )
    return c.json({
      ok: true,
      region: bedrock.region,
      modelId: publicModelId(bedrock.modelId),
      latencyMs: clock.now() - started,
      usage: { inputTokens: reply.usage.inputTokens, outputTokens: reply.usage.outputTokens },
    })
  })
  return app
}

function hasApiKey(header: string | undefined, config: Config): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')
  return m?.[1] !== undefined && findApiKey(config.access.apiKeys, m[1]) !== undefined
}
