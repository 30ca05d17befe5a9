/**
 * Three real proxy processes on one real redis-server (REDIS_URL) behave as one for tickets, rate limits and
 * daily token budgets: a ticket from A opens the WebSocket at B, and limits hold for all instances together.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { reply } from '../../dev/simulators/bedrock.ts'
import { DEMO_SPACE_ID, DEMO_STORY_IDS } from '../../dev/simulators/storyblok.ts'
import { startProxyCluster, type ProxyCluster } from '../support/proxyCluster.ts'
import { redisAvailable } from '../support/redisAvailable.ts'

const KEYS = {
  tickets: 'ticket-key-0000000000000001',
  perKey: 'rate-key-00000000000000001',
  addrA: 'addr-key-00000000000000001',
  addrB: 'addr-key-00000000000000002',
  budget: 'budget-key-000000000000001',
  budgetBurst: 'budget-key-000000000000002',
}
const PER_MINUTE = 10
const BUDGET = 1_000
const USAGE = { inputTokens: 250, outputTokens: 50 } // 300 per answer

let cluster: ProxyCluster
const at = (i: number) => cluster.proxies[i % cluster.proxies.length]!.url

beforeAll(async () => {
  cluster = await startProxyCluster({
    instances: 3,
    env: {
      PROXY_API_KEYS: Object.values(KEYS).join(','),
      RATE_LIMIT_PER_MINUTE: String(PER_MINUTE),
      DAILY_TOKEN_BUDGET: String(BUDGET),
      // The hold per request: a third of the budget, so a burst can hold at most what is left.
      BEDROCK_MAX_TOKENS: '300',
      TRUST_PROXY: 'true',
      STORY_READ_CACHE_MS: '0',
    },
  })
  cluster.bedrock.setScriptFn(() => reply.text('Shorter.', { usage: USAGE }))
}, 120_000)
afterAll(async () => {
  await cluster?.close()
})

let address = 0
/** A fresh client address per call (the proxies trust X-Forwarded-For), so only the key's bucket counts. */
const freshAddress = () => `198.51.100.${++address % 250}, 203.0.${Math.floor(address / 250)}.${address % 250}`

/** Passes the address and key limits only (no token budget): an empty change set answers 400 after them. */
const probe = (url: string, key: string, xff = freshAddress()) =>
  fetch(`${url}/api/changes`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'x-forwarded-for': xff },
    body: '{}',
  })

const converse = (url: string, key: string) =>
  fetch(`${url}/api/conversation`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${key}`,
      'content-type': 'application/json',
      accept: 'application/json',
      'x-forwarded-for': freshAddress(),
    },
    body: JSON.stringify({
      spaceId: DEMO_SPACE_ID,
      storyId: DEMO_STORY_IDS.home,
      messages: [{ role: 'user', content: 'Shorten the hero headline' }],
    }),
  })

function openSocket(url: string): Promise<{ status: number; ws?: WebSocket }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers: { origin: 'https://plugins.storyblok.com' } })
    ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0 }))
    ws.on('open', () => resolve({ status: 101, ws }))
    ws.on('error', () => resolve({ status: -1 }))
  })
}

describe.skipIf(!redisAvailable())('three instances on one Redis behave as one', () => {
  it('opens the WebSocket at B with a ticket issued by A, once', async () => {
    const res = await fetch(`${at(0)}/api/transcribe/ticket`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEYS.tickets}`, 'x-forwarded-for': freshAddress() },
    })
    expect(res.status).toBe(200)
    const { url } = (await res.json()) as { url: string }
    const onB = new URL(url)
    onB.host = new URL(at(1)).host
    const opened = await openSocket(onB.toString())
    expect(opened.status).toBe(101)
    opened.ws?.close()
    // Single use across instances: neither A nor C accepts it again.
    const onC = new URL(url)
    onC.host = new URL(at(2)).host
    expect((await openSocket(url)).status).toBe(401)
    expect((await openSocket(onC.toString())).status).toBe(401)
  })

  it('limits a key to RATE_LIMIT_PER_MINUTE across all instances', async () => {
    const statuses: number[] = []
    for (let i = 0; i < PER_MINUTE + 5; i++) statuses.push((await probe(at(i), KEYS.perKey)).status)
    // Each call counts, whatever the route answers after the limits.
    expect(statuses.filter((s) => s === 400)).toHaveLength(PER_MINUTE)
    expect(statuses.slice(PER_MINUTE)).toEqual(Array(5).fill(429))
    const limited = await probe(at(1), KEYS.perKey)
    expect(limited.status).toBe(429)
    expect((await limited.json()).error.code).toBe('rate_limited')
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(5)
  })

  it('limits a client address across all instances, whichever key it uses', async () => {
    const xff = '192.0.2.77'
    const results = await Promise.all(
      Array.from({ length: PER_MINUTE + 6 }, (_, i) => probe(at(i), i % 2 ? KEYS.addrA : KEYS.addrB, xff)),
    )
    const statuses = results.map((r) => r.status)
    expect(statuses.filter((s) => s === 400)).toHaveLength(PER_MINUTE)
    expect(statuses.filter((s) => s === 429)).toHaveLength(6)
  })

  it('counts the daily token budget of a key across all instances, one answer at a time', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 6; i++) {
      const res = await converse(at(i), KEYS.budget)
      statuses.push(res.status)
      if (res.status === 429) {
        const body = await res.json()
        expect(body.error.code).toBe('budget_exceeded')
        expect(body.resetsAt).toMatch(/T00:00:00\.000Z$/)
      } else await res.text()
    }
    // 0, 300, 600 and 900 spent are under 1000: four answers, then refused everywhere.
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429])
  })

  it('holds budget for answers still running, so a parallel burst cannot overspend', async () => {
    cluster.bedrock.setLatency({ firstTokenDelayMs: 300 })
    try {
      const results = await Promise.all(Array.from({ length: 9 }, (_, i) => converse(at(i), KEYS.budgetBurst)))
      const statuses = results.map((r) => r.status)
      await Promise.all(results.map((r) => r.text()))
      // Each holds 300 (BEDROCK_MAX_TOKENS) until it ends: 0+300·k < 1000 admits four, like one at a time.
      expect(statuses.filter((s) => s === 200)).toHaveLength(4)
      expect(statuses.filter((s) => s === 429)).toHaveLength(5)
    } finally {
      cluster.bedrock.setLatency({ firstTokenDelayMs: 0 })
    }
  })
})
