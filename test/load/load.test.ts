/**
 * Load and lifetime: 200 concurrent streaming conversations through the real server; SIGTERM to the real process
 * (proxy/main.ts as `npm start` runs it) during in-flight streams and an in-flight apply.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createStoryblok } from '../../proxy/adapters/storyblok.ts'
import { createApp } from '../../proxy/createApp.ts'
import { createLifecycle } from '../../proxy/lifecycle.ts'
import {
  DEMO_PAT,
  DEMO_SPACE_ID,
  DEMO_STORY_IDS,
  DEMO_UIDS,
  findBlock,
  storyblokDemoSeed,
} from '../../dev/simulators/storyblok.ts'
import { simulatorEnv, spawnProxy, TEST_SIGNING_SECRET, type ProxyProcess } from '../support/spawnProxy.ts'
import { tokenFor } from '../support/changeTokens.ts'
import type { ChangeInput } from '../../shared/contract.ts'
import { readSse, type SseRecord } from '../support/sse.ts'
import { serveApp, startWorld, TEST_PROXY_KEY, type World } from '../../dev/world.ts'

const CONCURRENT = 200
const HOME = DEMO_STORY_IDS.home
const auth = { authorization: `Bearer ${TEST_PROXY_KEY}`, 'content-type': 'application/json' }
/** A hero-headline change set with the token a spawned proxy (TEST_SIGNING_SECRET) would have proposed it with. */
function signedHeadline(before: unknown, after: string) {
  const changes: ChangeInput[] = [{ blockUid: DEMO_UIDS.hero, field: 'headline', before, after }]
  const signer = {
    config: { authority: { signingSecrets: [TEST_SIGNING_SECRET] } },
    clock: { now: Date.now },
  }
  return {
    spaceId: DEMO_SPACE_ID,
    storyId: HOME,
    changes,
    token: tokenFor(signer, changes, { spaceId: DEMO_SPACE_ID, storyId: HOME }),
  }
}
const conversationBody = (i: number) =>
  JSON.stringify({
    spaceId: DEMO_SPACE_ID,
    storyId: HOME,
    messages: [{ role: 'user', content: `Request ${i}: shorten the hero headline` }],
  })

let world: World
beforeAll(async () => {
  world = await startWorld({ env: { RATE_LIMIT_PER_MINUTE: '1000000', DAILY_TOKEN_BUDGET: '0' } })
  world.storyblok.rateLimitPerSecond = 1_000_000
})
afterAll(async () => {
  await world?.close()
})
beforeEach(() => {
  for (const sp of storyblokDemoSeed().spaces) for (const s of sp.stories) world.storyblok.setStory(sp.spaceId, s)
  world.storyblok.faults.clear()
  world.bedrock.reset()
  world.bedrock.setLatency({ firstTokenDelayMs: 0, tokenDelayMs: 0 })
})

async function until(predicate: () => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 10))
  }
}

async function converse(
  baseUrl: string,
  i: number,
  onEvent?: (e: SseRecord) => void,
): Promise<{ status: number; events: SseRecord[] }> {
  const res = await fetch(`${baseUrl}/api/conversation`, {
    method: 'POST',
    headers: auth,
    body: conversationBody(i),
    signal: AbortSignal.timeout(60_000),
  })
  if (!res.headers.get('content-type')?.startsWith('text/event-stream'))
    return { status: res.status, events: [{ event: 'http', data: await res.text() }] }
  return { status: res.status, events: await readSse(res, onEvent) }
}

describe('load', () => {
  it(`${CONCURRENT} concurrent streaming conversations complete without error`, async () => {
    // The adapter's client-side throttle (6 Management API requests/s per space, Storyblok's own limit) would
    // queue 200 story reads for ~33 s; this measures the proxy's own capacity, so the throttle is off here.
    const storyblok = createStoryblok({ personalAccessToken: DEMO_PAT, baseUrl: world.storyblok.url, rateLimit: false })
    const lifecycle = createLifecycle()
    const served = await serveApp((upgradeWebSocket) =>
      createApp({ ...world.deps, storyblok }, { lifecycle, upgradeWebSocket }),
    )
    // Streams of ~8 s each, so all 200 are open at the same time (the run is CPU-bound on 2 cores otherwise).
    world.bedrock.setLatency({ firstTokenDelayMs: 50, tokenDelayMs: 400 })
    let peakRss = process.memoryUsage.rss()
    let peakInFlight = 0
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage.rss())
      peakInFlight = Math.max(peakInFlight, lifecycle.inFlight())
    }, 10)
    const started = performance.now()
    try {
      const results = await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => converse(served.url, i)))
      const seconds = (performance.now() - started) / 1000
      const failed = results.filter(
        (r) => r.status !== 200 || r.events.at(-1)?.event !== 'done' || r.events.some((e) => e.event === 'error'),
      )
      console.log(
        `load: ${CONCURRENT} concurrent conversations in ${seconds.toFixed(2)} s, ${failed.length} errors, ` +
          `${world.bedrock.requests.length} Bedrock calls, peak in flight ${peakInFlight}, ` +
          `peak RSS ${(peakRss / 1024 / 1024).toFixed(0)} MB (test process: proxy + simulators)`,
      )
      expect(failed.map((r) => JSON.stringify(r.events.slice(-2)).slice(0, 300))).toEqual([])
      for (const r of results) {
        expect(r.events[0]?.event).toBe('meta')
        expect(r.events.some((e) => e.event === 'usage')).toBe(true)
      }
      // The streams were really concurrent, and nothing is left behind.
      expect(peakInFlight).toBeGreaterThan(CONCURRENT / 2)
      expect(lifecycle.inFlight()).toBe(0)
    } finally {
      clearInterval(sampler)
      await served.close()
    }
  }, 90_000)
})

describe('SIGTERM', () => {
  const procs: ProxyProcess[] = []
  afterAll(async () => {
    for (const p of procs) await p.stop('SIGKILL')
  })
  const spawnAtWorld = async (extra: Record<string, string>) => {
    const p = await spawnProxy({
      env: simulatorEnv(
        { bedrock: world.bedrock.url, transcribe: world.transcribe.url, storyblok: world.storyblok.url },
        { RATE_LIMIT_PER_MINUTE: '100000', ...extra },
      ),
    })
    procs.push(p)
    return p
  }

  it('lets in-flight streams finish, refuses new work, and exits 0', async () => {
    const proxy = await spawnAtWorld({ SHUTDOWN_GRACE_SECONDS: '20' })
    world.bedrock.setLatency({ firstTokenDelayMs: 0, tokenDelayMs: 60 })
    let firstTexts = 0
    const allStreaming = new Promise<void>((resolve) => {
      const streams = 5
      const onEvent = (e: SseRecord) => {
        if (e.event === 'text' && ++firstTexts === streams) resolve()
      }
      void Promise.all(
        Array.from({ length: streams }, (_, i) =>
          converse(proxy.url, i, (e) => (e.event === 'text' && !seen.has(i) ? (seen.add(i), onEvent(e)) : undefined)),
        ),
      ).then((r) => (results = r))
    })
    const seen = new Set<number>()
    let results: Awaited<ReturnType<typeof converse>>[] = []
    await allStreaming
    proxy.child.kill('SIGTERM')
    await until(() => proxy.output().includes('"msg":"shutting down"'))
    // New work is refused while the running streams finish: no new connections, or 503 shutting_down on a reused one.
    const late = await fetch(`${proxy.url}/api/conversation`, {
      method: 'POST',
      headers: auth,
      body: conversationBody(99),
    }).then(
      async (res) => ({ status: res.status, code: ((await res.json()) as { error?: { code: string } }).error?.code }),
      () => ({ status: 0, code: 'connection refused' }),
    )
    expect([0, 503]).toContain(late.status)
    if (late.status === 503) expect(late.code).toBe('shutting_down')
    const exit = await proxy.exited
    expect(exit.code).toBe(0)
    await until(() => results.length === 5)
    for (const r of results) {
      expect(r.status).toBe(200)
      expect(r.events.at(-1)?.event).toBe('done')
      expect(r.events.filter((e) => e.event === 'error')).toEqual([])
    }
    expect(proxy.output()).toMatch(/"msg":"stopped","finished":5,"aborted":0/)
    // After the exit nothing listens any more.
    await expect(fetch(`${proxy.url}/health`)).rejects.toThrow()
  }, 60_000)

  it('ends streams that outlive the grace period with a clear error event, and exits 0', async () => {
    const proxy = await spawnAtWorld({ SHUTDOWN_GRACE_SECONDS: '1' })
    world.bedrock.setLatency({ firstTokenDelayMs: 0, tokenDelayMs: 400 })
    let resolveFirst!: () => void
    const firstText = new Promise<void>((r) => (resolveFirst = r))
    const pending = converse(proxy.url, 1, (e) => e.event === 'text' && resolveFirst())
    await firstText
    proxy.child.kill('SIGTERM')
    const [result, exit] = await Promise.all([pending, proxy.exited])
    expect(exit.code).toBe(0)
    expect(result.events.at(-1)?.event).toBe('done')
    const error = result.events.find((e) => e.event === 'error')
    expect(error?.data).toMatchObject({ code: expect.any(String), message: expect.any(String) })
    expect(error?.data.code).not.toBe('internal')
    expect(proxy.output()).toMatch(/"msg":"stopped".*"aborted":1/)
  }, 60_000)

  it('keeps an in-flight apply atomic: the story is fully updated or untouched, and the process exits 0', async () => {
    const proxy = await spawnAtWorld({ SHUTDOWN_GRACE_SECONDS: '5' })
    const before = world.storyblok.getStory(DEMO_SPACE_ID, HOME)!
    const headline = findBlock(before.content, DEMO_UIDS.hero)?.['headline']
    world.storyblok.faults.latencyMs = 400 // every Management API reply is slow: the apply is in flight for ~1 s
    const apply = fetch(`${proxy.url}/api/changes`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify(signedHeadline(headline, 'Written during shutdown')),
      signal: AbortSignal.timeout(30_000),
    }).then(async (res) => ({ status: res.status, body: await res.json() }))
    await until(() => world.storyblok.requests.length > 0)
    await new Promise((r) => setTimeout(r, 150))
    proxy.child.kill('SIGTERM')
    const [result, exit] = await Promise.all([
      apply.catch((err: Error) => ({ status: 0, body: err.message })),
      proxy.exited,
    ])
    world.storyblok.faults.latencyMs = 0
    expect(exit.code).toBe(0)
    const after = world.storyblok.getStory(DEMO_SPACE_ID, HOME)!
    const expected = structuredClone(before.content)
    findBlock(expected, DEMO_UIDS.hero)!['headline'] = 'Written during shutdown'
    if (result.status === 200) expect(after.content).toEqual(expected)
    else expect(after.content).toEqual(before.content)
    // With a 5 s grace period and ~1 s of work, the apply is allowed to finish.
    expect(result.status, JSON.stringify(result.body)).toBe(200)
  }, 60_000)
})
