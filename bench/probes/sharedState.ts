import { Redis } from 'ioredis'
import { findRedisServer, startRedisServer } from '../../dev/simulators/redisServer.ts'
import { DEMO_SPACE_ID, DEMO_STORY_IDS, DEMO_UIDS } from '../../dev/simulators/storyblok.ts'
import { MODEL, type BenchWorld } from '../benchWorld.ts'
import { spawnProxy, type Spawned } from '../spawnServer.ts'
import { spread, type Spread } from '../stats.ts'
import { signedBody } from './writeBack.ts'

export type SharedStateResult =
  | { status: 'pending'; reason: string }
  | {
      status: 'measured'
      /** P10a: one proxy with REDIS_URL vs the bench proxy without, same requests interleaved. */
      cost: Record<
        'apply' | 'conversation',
        { redisMs: Spread; plainMs: Spread; roundTrips: number; commands: Record<string, number> }
      >
      /** P10b: the same total load of applies on 3 instances + Redis and on 1 instance without. */
      load: {
        perSecond: number
        seconds: number
        limitPerSecond: number
        runs: Record<
          'one' | 'three',
          { applies: number; errors: string[]; upstream429: number; latencyMs: Spread; p95Ms: number }
        >
      }
    }

const HEADLINE = 'Content that moves at the speed of your team'
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? NaN
let nextStoryId = 720_000_001

function cloneHome(world: BenchWorld, count: number): number[] {
  const home = world.storyblok.getStory(DEMO_SPACE_ID, DEMO_STORY_IDS.home)
  if (!home) throw new Error('simulator has no home story')
  return Array.from({ length: count }, () => {
    const id = nextStoryId++
    world.storyblok.setStory(DEMO_SPACE_ID, { ...home, id, slug: `shared-${id}`, full_slug: `shared-${id}` })
    return id
  })
}

async function timed(url: string, world: BenchWorld, path: string, body: unknown) {
  const t0 = performance.now()
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${world.proxyKey}`,
      'content-type': 'application/json',
      accept: 'application/json',
    },
    body: JSON.stringify(body),
  })
  const json = (await res.json().catch(() => ({}))) as { error?: { code?: string } }
  return { status: res.status, ms: performance.now() - t0, code: json.error?.code }
}
const apply = (url: string, world: BenchWorld, storyId: number, after: string) =>
  timed(
    url,
    world,
    '/api/changes',
    signedBody(world, storyId, [{ blockUid: DEMO_UIDS.hero, field: 'headline', before: HEADLINE, after }]),
  )
const converse = (url: string, world: BenchWorld, storyId: number) =>
  timed(url, world, '/api/conversation', {
    spaceId: DEMO_SPACE_ID,
    storyId,
    messages: [{ role: 'user', content: 'Shorten the headline' }],
  })

/** Scripts run and single commands sent by the proxies (one each = one round trip), since the last reset. */
async function roundTrips(redis: Redis): Promise<{ total: number; commands: Record<string, number> }> {
  const info = await redis.info('commandstats')
  // Only what a client sends: commandstats also counts the commands scripts run inside Redis (SET, HGET…), which
  // cost no round trip. (Tickets send SET and GETDEL directly; these flows use none.)
  const sent = ['evalsha', 'eval', 'getdel']
  const commands: Record<string, number> = {}
  for (const [, cmd, calls] of info.matchAll(/cmdstat_(\w+):calls=(\d+)/g))
    if (cmd && sent.includes(cmd)) commands[cmd] = Number(calls)
  return { total: Object.values(commands).reduce((a, b) => a + b, 0), commands }
}

async function ready(url: string) {
  for (let i = 0; i < 200; i++) {
    if ((await fetch(`${url}/ready`).catch(() => undefined))?.status === 200) return
    await sleep(50)
  }
  throw new Error(`${url}/ready did not answer 200`)
}

/**
 * P10: what REDIS_URL costs per request (extra ms, round trips) and whether 3 instances sharing it keep a steady apply
 * load under Storyblok's per-space limit as well as 1 instance does (0 errors, p95 latency).
 */
export async function measureSharedState(
  world: BenchWorld,
  {
    pairs,
    seconds,
    perSecond = 2,
    limitPerSecond = 6,
  }: { pairs: number; seconds: number; perSecond?: number; limitPerSecond?: number },
): Promise<SharedStateResult> {
  if (!findRedisServer())
    return { status: 'pending', reason: 'no redis-server on PATH (apt-get install -y redis-server)' }
  const server = await startRedisServer()
  const redis = new Redis(server.url)
  const proxies: Spawned[] = []
  const sb = world.storyblok
  const savedLimit = sb.rateLimitPerSecond
  try {
    const env = { ...world.proxyEnv, REDIS_URL: server.url, STORYBLOK_RATE_LIMIT_PER_SECOND: String(limitPerSecond) }
    proxies.push(...(await Promise.all([0, 1, 2].map(() => spawnProxy(env, { entry: world.proxyEntry })))))
    await Promise.all(proxies.map((p) => ready(p.url)))
    const [first] = proxies as [Spawned]

    // P10a: an instant model, so the difference is the proxy's own work; pauses keep both under the Storyblok limit.
    world.bedrock.setLatency({ firstTokenDelayMs: 0, tokenDelayMs: 0 })
    const cost = {} as Extract<SharedStateResult, { status: 'measured' }>['cost']
    for (const kind of ['apply', 'conversation'] as const) {
      const stories = cloneHome(world, pairs * 2 + 2)
      const run = (url: string, id: number) =>
        kind === 'apply' ? apply(url, world, id, `Cost ${id}`) : converse(url, world, id)
      await run(first.url, stories.pop()!) // warm schema cache and scripts
      await run(world.proxy.url, stories.pop()!)
      await redis.config('RESETSTAT')
      const ms = { redis: [] as number[], plain: [] as number[] }
      for (let i = 0; i < pairs; i++) {
        const order = i % 2 ? (['redis', 'plain'] as const) : (['plain', 'redis'] as const)
        for (const side of order) {
          const r = await run(side === 'redis' ? first.url : world.proxy.url, stories.pop()!)
          if (r.status !== 200) throw new Error(`${kind} failed: HTTP ${r.status} ${r.code ?? ''}`)
          ms[side].push(r.ms)
        }
        await sleep(450)
      }
      const trips = await roundTrips(redis)
      cost[kind] = {
        redisMs: spread(ms.redis),
        plainMs: spread(ms.plain),
        roundTrips: trips.total / pairs,
        commands: trips.commands,
      }
    }

    // P10b: the same steady load of applies, round robin over 3 instances + Redis, then on the one bench instance.
    sb.rateLimitPerSecond = limitPerSecond
    const runLoad = async (urls: string[]) => {
      await sleep(1300)
      sb.clearRequests()
      const ids = cloneHome(world, Math.round(perSecond * seconds))
      const started = performance.now()
      const results = await Promise.all(
        ids.map(async (id, i) => {
          await sleep(started + (i * 1000) / perSecond - performance.now())
          return apply(urls[i % urls.length]!, world, id, `Load ${id}`)
        }),
      )
      return {
        applies: results.length,
        errors: results.filter((r) => r.status !== 200).map((r) => `${r.status} ${r.code ?? ''}`),
        upstream429: sb.requests.filter((r) => r.status === 429).length,
        latencyMs: spread(results.map((r) => r.ms)),
        p95Ms: percentile(
          results.map((r) => r.ms),
          0.95,
        ),
      }
    }
    // Each instance warm (schemas cached, code paths compiled), like the bench proxy by now.
    for (const p of proxies) for (const id of cloneHome(world, 2)) await apply(p.url, world, id, `Warm ${id}`)
    const three = await runLoad(proxies.map((p) => p.url))
    const one = await runLoad([world.proxy.url])
    return {
      status: 'measured',
      cost,
      load: { perSecond, seconds, limitPerSecond, runs: { one, three } },
    }
  } finally {
    sb.rateLimitPerSecond = savedLimit
    world.bedrock.setLatency({ firstTokenDelayMs: MODEL.firstTokenDelayMs, tokenDelayMs: MODEL.tokenDelayMs })
    redis.disconnect()
    await Promise.all(proxies.map((p) => p.stop()))
    await server.close()
  }
}
