/**
 * Who may call the proxy and how much: API keys (401/403), CORS, security headers, body limit, per-key and
 * per-address rate limits, the daily token budget. Real adapters and SDK clients against the simulators.
 */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../proxy/createApp.ts'
import { createLifecycle } from '../../proxy/lifecycle.ts'
import { findApiKey } from '../../proxy/http/auth.ts'
import { createRateLimiter } from '../../proxy/http/rateLimit.ts'
import { createTokenBudget } from '../../proxy/http/tokenBudget.ts'
import { reply } from '../../dev/simulators/bedrockScript.ts'
import { DEMO_SPACE_ID, DEMO_STORY_IDS, OTHER_SPACE_ID } from '../../dev/simulators/storyblok.ts'
import { readSse } from '../support/sse.ts'
import { serveApp, startWorld, TEST_PROXY_KEY, type World } from '../../dev/world.ts'

const BOUND_KEY = 'bound-key-demo-space-000000001'
const SECOND_KEY = 'second-key-all-spaces-00000002'
const PLUGIN_ORIGIN = 'https://plugins.storyblok.com'

let world: World
beforeAll(async () => {
  world = await startWorld({ env: { PROXY_API_KEYS: `${TEST_PROXY_KEY},${BOUND_KEY}@${DEMO_SPACE_ID},${SECOND_KEY}` } })
})
afterAll(async () => {
  await world?.close()
})

const conversation = (spaceId = DEMO_SPACE_ID) =>
  JSON.stringify({ spaceId, storyId: DEMO_STORY_IDS.home, messages: [{ role: 'user', content: 'Say hi' }] })

const post = (key: string | undefined, body = conversation(), extra: Record<string, string> = {}) =>
  new Request('http://proxy.test/api/conversation', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}), ...extra },
    body,
  })

async function expectEnvelope(res: Response, status: number, code: string) {
  expect(res.status).toBe(status)
  expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  const body = (await res.json()) as { error: { code: string; message: string; requestId: string } }
  expect(body.error.code).toBe(code)
  expect(body.error.message).toEqual(expect.any(String))
  expect(body.error.requestId).toBe(res.headers.get('x-request-id'))
  return body
}

describe('API keys', () => {
  it('answers 401 unauthorized without an Authorization header', async () => {
    await expectEnvelope(await world.app.request(post(undefined)), 401, 'unauthorized')
  })

  it('answers 401 unauthorized for a wrong key, a key prefix and a non-Bearer scheme', async () => {
    await expectEnvelope(await world.app.request(post('wrong-key-000000000000000000')), 401, 'unauthorized')
    await expectEnvelope(await world.app.request(post(TEST_PROXY_KEY.slice(0, -1))), 401, 'unauthorized')
    await expectEnvelope(await world.app.request(post(`${TEST_PROXY_KEY}x`)), 401, 'unauthorized')
    const basic = post(undefined, conversation(), { authorization: `Basic ${TEST_PROXY_KEY}` })
    await expectEnvelope(await world.app.request(basic), 401, 'unauthorized')
  })

  it('lets a valid key through to the model', async () => {
    const res = await world.app.request(post(TEST_PROXY_KEY))
    expect(res.status).toBe(200)
    const events = await readSse(res)
    expect(events.map((e) => e.event)).toContain('done')
    expect(events.some((e) => e.event === 'error')).toBe(false)
  })

  it('answers 403 forbidden when a key bound to one space asks for another', async () => {
    await expectEnvelope(await world.app.request(post(BOUND_KEY, conversation(OTHER_SPACE_ID))), 403, 'forbidden')
    const own = await world.app.request(post(BOUND_KEY, conversation(DEMO_SPACE_ID)))
    expect(own.status).toBe(200)
    await own.body?.cancel()
  })

  it('answers 403 forbidden for a space outside SPACE_ALLOWLIST, whatever the key', async () => {
    const config = { ...world.config, access: { ...world.config.access, spaceAllowlist: [OTHER_SPACE_ID] } }
    const app = createApp({ ...world.deps, config })
    await expectEnvelope(await app.request(post(TEST_PROXY_KEY, conversation(DEMO_SPACE_ID))), 403, 'forbidden')
  })

  it('compares keys in constant time over their hashes', () => {
    // Behaviour: keys of any length are compared without throwing (timingSafeEqual needs equal lengths).
    const keys = world.config.access.apiKeys
    expect(findApiKey(keys, 'x')).toBeUndefined()
    expect(findApiKey(keys, 'y'.repeat(5000))).toBeUndefined()
    expect(findApiKey(keys, BOUND_KEY)?.spaces).toEqual([DEMO_SPACE_ID])
    // Structure: the comparison is crypto.timingSafeEqual over digests, never string equality on the key.
    const source = readFileSync(new URL('../../proxy/http/auth.ts', import.meta.url), 'utf8')
    expect(source).toMatch(/timingSafeEqual\(\s*p,\s*digest\(k\.key\)\s*\)/)
    expect(source).not.toMatch(/k\.key\s*===|===\s*k\.key/)
  })

  it('never asks for a key on /health and /ready', async () => {
    expect((await world.app.request('/health')).status).toBe(200)
    expect([200, 503]).toContain((await world.app.request('/ready')).status)
  })
})

describe('route guards', () => {
  it('asks for a key on every keyed route, whatever the body', async () => {
    for (const path of ['/api/conversation', '/api/changes', '/api/test-bedrock']) {
      const method = path === '/api/test-bedrock' ? 'GET' : 'POST'
      const res = await world.app.request(path, { method, headers: { 'content-type': 'application/json' } })
      await expectEnvelope(res, 401, 'unauthorized')
    }
  })

  it('refuses new work with 503 shutting_down while draining, and still answers /health', async () => {
    const lifecycle = createLifecycle()
    const app = createApp(world.deps, { lifecycle })
    await lifecycle.shutdown(0)
    expect((await app.request('/health')).status).toBe(200)
    await expectEnvelope(await app.request('/ready'), 503, 'shutting_down')
    await expectEnvelope(await app.request(post(TEST_PROXY_KEY)), 503, 'shutting_down')
    await expectEnvelope(await app.request('/api/nope'), 503, 'shutting_down')
  })
})

describe('CORS', () => {
  it('allows the plugin origin without credentials', async () => {
    const res = await world.app.request(post(TEST_PROXY_KEY, conversation(), { origin: PLUGIN_ORIGIN }))
    await res.body?.cancel()
    expect(res.headers.get('access-control-allow-origin')).toBe(PLUGIN_ORIGIN)
    expect(res.headers.get('access-control-allow-credentials')).toBeNull()
    expect(res.headers.get('vary')).toMatch(/Origin/)
  })

  it('gives other origins no Access-Control-Allow-Origin, even on errors', async () => {
    for (const origin of [
      'https://evil.example',
      'null',
      'https://plugins.storyblok.com.evil.example',
      'http://plugins.storyblok.com',
    ]) {
      const res = await world.app.request(post(TEST_PROXY_KEY, conversation(), { origin }))
      await res.body?.cancel()
      expect(res.headers.get('access-control-allow-origin'), origin).toBeNull()
      const denied = await world.app.request(post(undefined, conversation(), { origin }))
      expect(denied.headers.get('access-control-allow-origin'), origin).toBeNull()
      expect(denied.headers.get('access-control-allow-credentials')).toBeNull()
    }
  })

  it('answers a preflight from the plugin origin without asking for a key', async () => {
    const res = await world.app.request('/api/conversation', {
      method: 'OPTIONS',
      headers: {
        origin: PLUGIN_ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    })
    expect(res.status).toBe(204)
    expect(res.headers.get('access-control-allow-origin')).toBe(PLUGIN_ORIGIN)
    expect(res.headers.get('access-control-allow-methods')).toMatch(/POST/)
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toMatch(/authorization/)
    expect(res.headers.get('access-control-allow-credentials')).toBeNull()
  })

  it('answers a preflight from another origin without allowing it', async () => {
    const res = await world.app.request('/api/conversation', {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    })
    expect(res.headers.get('access-control-allow-origin')).toBeNull()
    expect(res.headers.get('access-control-allow-credentials')).toBeNull()
  })
})

describe('security headers', () => {
  const expectSecureHeaders = (res: Response, what: string) => {
    expect(res.headers.get('x-content-type-options'), what).toBe('nosniff')
    expect(res.headers.get('x-frame-options'), what).toBe('SAMEORIGIN')
    expect(res.headers.get('referrer-policy'), what).toBe('no-referrer')
    expect(res.headers.get('strict-transport-security'), what).toMatch(/max-age=\d+/)
    expect(res.headers.get('content-security-policy'), what).toMatch(/default-src 'none'.*frame-ancestors 'none'/)
    expect(res.headers.get('x-request-id'), what).toMatch(/\S{8,}/)
    expect(res.headers.get('x-powered-by'), what).toBeNull()
  }

  it('are on every kind of reply: health, 404, 401, 400, 413, SSE and preflight', async () => {
    const replies: Array<[string, Response]> = [
      ['health', await world.app.request('/health')],
      ['404', await world.app.request('/nope')],
      ['401', await world.app.request(post(undefined))],
      ['400', await world.app.request(post(TEST_PROXY_KEY, '{"spaceId":'))],
      ['413', await world.app.request(post(TEST_PROXY_KEY, 'x'.repeat(world.config.access.bodyLimitBytes + 10)))],
      ['sse', await world.app.request(post(TEST_PROXY_KEY))],
      [
        'preflight',
        await world.app.request('/api/conversation', {
          method: 'OPTIONS',
          headers: { origin: PLUGIN_ORIGIN, 'access-control-request-method': 'POST' },
        }),
      ],
    ]
    for (const [what, res] of replies) {
      expectSecureHeaders(res, what)
      await res.body?.cancel()
    }
  })

  it('are on replies of the real server too', async () => {
    const res = await fetch(`${world.proxyUrl}/nope`)
    expectSecureHeaders(res, 'served 404')
    await res.body?.cancel()
  })
})

describe('body limit', () => {
  it('answers 413 payload_too_large with the envelope for a declared oversize body', async () => {
    const big = JSON.stringify({
      spaceId: DEMO_SPACE_ID,
      storyId: 1,
      messages: [{ role: 'user', content: 'x'.repeat(world.config.access.bodyLimitBytes) }],
    })
    await expectEnvelope(await world.app.request(post(TEST_PROXY_KEY, big)), 413, 'payload_too_large')
  })

  it('answers 413 for a chunked body without Content-Length on the real server, before auth matters', async () => {
    const limit = world.config.access.bodyLimitBytes
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024))
    let sent = 0
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > limit + chunk.length) return controller.close()
        sent += chunk.length
        controller.enqueue(chunk)
      },
    })
    const res = await fetch(`${world.proxyUrl}/api/conversation`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_PROXY_KEY}` },
      body,
      duplex: 'half',
    } as RequestInit)
    await expectEnvelope(res, 413, 'payload_too_large')
  })
})

describe('rate limits', () => {
  const fakeClock = () => {
    let t = Date.UTC(2026, 10, 25, 12, 0, 0)
    return { now: () => t, advance: (ms: number) => void (t += ms) }
  }

  it('answers 429 rate_limited with Retry-After per key, and refills with time', async () => {
    const clock = fakeClock()
    const app = createApp(world.deps, {
      rateLimits: {
        byKey: createRateLimiter({ clock, perMinute: 3 }),
        byAddress: createRateLimiter({ clock, perMinute: 1000 }),
      },
    })
    const health = (key: string) => app.request('/api/test-bedrock', { headers: { authorization: `Bearer ${key}` } })
    for (let i = 0; i < 3; i++) expect((await health(TEST_PROXY_KEY)).status).toBe(404) // DEBUG off: 404, but counted
    const limited = await health(TEST_PROXY_KEY)
    const body = await expectEnvelope(limited, 429, 'rate_limited')
    expect(Number(limited.headers.get('retry-after'))).toBe(20)
    expect(body.error).toMatchObject({ retryAfterSeconds: 20 })
    // Another key has its own bucket.
    expect((await health(SECOND_KEY)).status).toBe(404)
    clock.advance(20_000)
    expect((await health(TEST_PROXY_KEY)).status).toBe(404)
    expect((await health(TEST_PROXY_KEY)).status).toBe(429)
  })

  it('limits per client address before auth, so key guessing is throttled too', async () => {
    const clock = fakeClock()
    const app = createApp(world.deps, {
      rateLimits: {
        byKey: createRateLimiter({ clock, perMinute: 1000 }),
        byAddress: createRateLimiter({ clock, perMinute: 2 }),
      },
    })
    expect((await app.request(post('guess-1-000000000000000000'))).status).toBe(401)
    expect((await app.request(post('guess-2-000000000000000000'))).status).toBe(401)
    const res = await app.request(post(TEST_PROXY_KEY))
    await expectEnvelope(res, 429, 'rate_limited')
    expect(Number(res.headers.get('retry-after'))).toBe(30)
  })

  it('takes the address from the socket and ignores X-Forwarded-For unless TRUST_PROXY is set', async () => {
    const clock = fakeClock()
    const build = (trustProxy: boolean) => () =>
      createApp(
        { ...world.deps, config: { ...world.config, access: { ...world.config.access, trustProxy } } },
        {
          rateLimits: {
            byKey: createRateLimiter({ clock, perMinute: 1000 }),
            byAddress: createRateLimiter({ clock, perMinute: 2 }),
          },
        },
      )
    const call = (url: string, xff: string) =>
      fetch(`${url}/api/test-bedrock`, {
        headers: { authorization: `Bearer ${TEST_PROXY_KEY}`, 'x-forwarded-for': xff },
      })

    const untrusting = await serveApp(build(false))
    try {
      const statuses = []
      for (const xff of ['203.0.113.1', '203.0.113.2', '203.0.113.3'])
        statuses.push((await call(untrusting.url, xff)).status)
      expect(statuses).toEqual([404, 404, 429])
    } finally {
      await untrusting.close()
    }

    const trusting = await serveApp(build(true))
    try {
      const statuses = []
      for (const xff of ['203.0.113.1', '198.51.100.7, 203.0.113.2', '203.0.113.3', '203.0.113.3', '203.0.113.3']) {
        statuses.push((await call(trusting.url, xff)).status)
      }
      // Only the last entry (appended by the trusted balancer) counts: the forged left one does not.
      expect(statuses).toEqual([404, 404, 404, 404, 429])
    } finally {
      await trusting.close()
    }
  })

  it('keeps memory bounded when addresses are sprayed', () => {
    const clock = fakeClock()
    const limiter = createRateLimiter({ clock, perMinute: 60, maxBuckets: 100 })
    for (let i = 0; i < 1000; i++) {
      limiter.take(`addr:${i}`)
      clock.advance(1000)
    }
    expect(limiter.size()).toBeLessThanOrEqual(101)
  })
})

describe('daily token budget', () => {
  it('answers 429 budget_exceeded with the reset time once Bedrock usage reaches it, per key, until 00:00 UTC', async () => {
    let t = Date.UTC(2026, 10, 25, 23, 0, 0)
    const clock = { now: () => t }
    const app = createApp(world.deps, { tokenBudget: createTokenBudget({ clock, limit: 100 }) })

    world.bedrock.script(reply.text('First answer.', { usage: { inputTokens: 80, outputTokens: 30 } }))
    const first = await app.request(post(TEST_PROXY_KEY))
    const events = await readSse(first)
    expect(events.find((e) => e.event === 'usage')?.data).toMatchObject({ inputTokens: 80, outputTokens: 30 })

    const refused = await app.request(post(TEST_PROXY_KEY))
    const body = await expectEnvelope(refused, 429, 'budget_exceeded')
    expect(refused.headers.get('retry-after')).toBe('3600')
    expect(body).toMatchObject({ resetsAt: '2026-11-26T00:00:00.000Z' })
    expect(body.error.message).toContain('2026-11-26T00:00:00.000Z')
    const requestsBefore = world.bedrock.requests.length

    // The JSON variant is refused too, and nothing reaches Bedrock.
    const json = await app.request(post(TEST_PROXY_KEY, conversation(), { accept: 'application/json' }))
    await expectEnvelope(json, 429, 'budget_exceeded')
    expect(world.bedrock.requests.length).toBe(requestsBefore)

    // Another key still has its budget.
    const other = await app.request(post(SECOND_KEY))
    expect(other.status).toBe(200)
    await readSse(other)

    t = Date.UTC(2026, 10, 26, 0, 0, 1)
    const nextDay = await app.request(post(TEST_PROXY_KEY))
    expect(nextDay.status).toBe(200)
    await readSse(nextDay)
  })

  it('counts the JSON (non-streaming) reply as well', async () => {
    const clock = { now: () => Date.UTC(2026, 10, 25, 10, 0, 0) }
    const budget = createTokenBudget({ clock, limit: 1_000 })
    const app = createApp(world.deps, { tokenBudget: budget })
    world.bedrock.script(reply.text('Answer.', { usage: { inputTokens: 400, outputTokens: 100 } }))
    const res = await app.request(post(TEST_PROXY_KEY, conversation(), { accept: 'application/json' }))
    expect(res.status).toBe(200)
    expect(budget.spent(world.config.access.apiKeys[0]!.id)).toBe(500)
  })

  it('counts prompt tokens read from or written to the cache: Converse reports them apart from inputTokens', async () => {
    const clock = { now: () => Date.UTC(2026, 10, 25, 10, 0, 0) }
    const budget = createTokenBudget({ clock, limit: 10_000 })
    const app = createApp(world.deps, { tokenBudget: budget })
    world.bedrock.script(
      reply.text('Answer.', {
        usage: { inputTokens: 40, outputTokens: 60, cacheReadInputTokens: 3_000, cacheWriteInputTokens: 900 },
      }),
    )
    const res = await app.request(post(TEST_PROXY_KEY, conversation(), { accept: 'application/json' }))
    expect(res.status).toBe(200)
    expect(budget.spent(world.config.access.apiKeys[0]!.id)).toBe(4_000)
  })
})
