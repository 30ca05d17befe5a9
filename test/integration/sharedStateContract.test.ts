import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startRedisServer, type RedisServer } from '../../dev/simulators/redisServer.ts'
import { createMemoryState } from '../../proxy/state/memoryState.ts'
import { createRedisState } from '../../proxy/state/redisState.ts'
import { DAY_MS, type SharedState } from '../../proxy/state/sharedState.ts'
import type { Log } from '../../proxy/deps.ts'
import { redisAvailable } from '../support/redisAvailable.ts'

const silent: Log = { debug() {}, info() {}, warn() {}, error() {} }
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * One contract, two adapters. The Redis one runs on a real server and keeps its own (server) clock, so the suite
 * only uses waits of real time, never a fake clock; `unique()` keeps runs from seeing each other's keys.
 */
const adapters: Array<{ name: string; available: boolean; open(): Promise<SharedState>; close(): Promise<void> }> = []
{
  let server: RedisServer | undefined
  const states: SharedState[] = []
  adapters.push({
    name: 'memory',
    available: true,
    open: async () => createMemoryState({ clock: { now: Date.now } }),
    close: async () => {},
  })
  adapters.push({
    name: 'redis',
    available: redisAvailable(),
    async open() {
      server ??= await startRedisServer()
      const state = createRedisState({ url: server.url, log: silent })
      await state.ready(5_000)
      states.push(state)
      return state
    },
    async close() {
      for (const s of states.splice(0)) await s.close()
      await server?.close()
    },
  })
}

let n = 0
const unique = (what: string) => `${what}-${process.pid}-${++n}-${Math.random().toString(36).slice(2)}`

for (const adapter of adapters) {
  describe.skipIf(!adapter.available)(`shared state contract: ${adapter.name}`, () => {
    let state: SharedState
    beforeAll(async () => {
      state = await adapter.open()
    })
    afterAll(() => adapter.close())

    it('hands a stored value out once, and not after its TTL', async () => {
      const key = unique('ticket')
      await state.put(key, 'grant', 10_000)
      expect(await state.take(key)).toBe('grant')
      expect(await state.take(key)).toBeUndefined()
      const short = unique('ticket')
      await state.put(short, 'grant', 30)
      await sleep(80)
      expect(await state.take(short)).toBeUndefined()
      expect(await state.take(unique('unknown'))).toBeUndefined()
    })

    it('gives a contested single-use value to exactly one taker', async () => {
      const key = unique('ticket')
      await state.put(key, 'grant', 10_000)
      const got = await Promise.all(Array.from({ length: 20 }, () => state.take(key)))
      expect(got.filter((g) => g === 'grant')).toHaveLength(1)
    })

    it('takes tokens up to the capacity, then says when the next one comes', async () => {
      const key = unique('bucket')
      const bucket = { capacity: 3, perMs: 3 / 60_000 }
      const results = await Promise.all(Array.from({ length: 5 }, () => state.takeToken(key, bucket)))
      expect(results.filter((r) => r.ok)).toHaveLength(3)
      const refused = results.find((r) => !r.ok)
      // One token per 20 s: the wait is (almost) all of it.
      expect(refused?.retryAfterMs).toBeGreaterThan(19_000)
      expect(refused?.retryAfterMs).toBeLessThanOrEqual(20_000)
      // Another key has its own bucket.
      expect((await state.takeToken(unique('bucket'), bucket)).ok).toBe(true)
    })

    it('refills a bucket with time', async () => {
      const key = unique('bucket')
      const bucket = { capacity: 1, perMs: 1 / 100 }
      expect((await state.takeToken(key, bucket)).ok).toBe(true)
      expect((await state.takeToken(key, bucket)).ok).toBe(false)
      await sleep(150)
      expect((await state.takeToken(key, bucket)).ok).toBe(true)
    })

    it('reserves budget until spend plus holds reach the limit; settling adds the real usage', async () => {
      const key = unique('budget')
      const budget = { limit: 1_000, amount: 400, holdMs: 60_000 }
      const a = await state.reserveBudget(key, budget)
      const b = await state.reserveBudget(key, budget)
      const c = await state.reserveBudget(key, budget)
      const d = await state.reserveBudget(key, budget)
      expect([a.ok, b.ok, c.ok, d.ok]).toEqual([true, true, true, false])
      if (!d.ok) {
        expect(d.resetsAt % DAY_MS).toBe(0)
        expect(d.resetsAt).toBeGreaterThan(d.now)
        expect(d.resetsAt - d.now).toBeLessThanOrEqual(DAY_MS)
      }
      if (a.ok) await state.settleBudget(key, a.holdId, 100)
      if (b.ok) await state.settleBudget(key, b.holdId, 100)
      expect(await state.budgetSpent(key)).toBe(200)
      // 200 spent + 400 held: room again.
      expect((await state.reserveBudget(key, budget)).ok).toBe(true)
      if (c.ok) await state.settleBudget(key, c.holdId, 900)
      expect(await state.budgetSpent(key)).toBe(1_100)
      expect((await state.reserveBudget(key, { ...budget, amount: 1 })).ok).toBe(false)
    })

    it('lets a hold lapse, so a crashed instance does not keep budget', async () => {
      const key = unique('budget')
      expect((await state.reserveBudget(key, { limit: 10, amount: 10, holdMs: 50 })).ok).toBe(true)
      expect((await state.reserveBudget(key, { limit: 10, amount: 10, holdMs: 50 })).ok).toBe(false)
      await sleep(100)
      expect((await state.reserveBudget(key, { limit: 10, amount: 10, holdMs: 50 })).ok).toBe(true)
    })

    it('grants a lease to one holder at a time, with a growing fencing number', async () => {
      const key = unique('story')
      const grants = await Promise.all(Array.from({ length: 10 }, () => state.acquireLease(key, 10_000)))
      const won = grants.filter((g) => g.ok)
      expect(won).toHaveLength(1)
      const first = won[0]!
      const refused = grants.find((g) => !g.ok)
      expect(refused && !refused.ok && refused.retryAfterMs).toBeGreaterThan(9_000)
      expect(await state.checkLease(key, first, 10_000)).toBe(true)
      await state.releaseLease(key, first)
      expect(await state.checkLease(key, first, 10_000)).toBe(false)
      const second = await state.acquireLease(key, 10_000)
      expect(second.ok && first.ok && second.fence > first.fence).toBe(true)
    })

    it('lets a lease lapse; the stale holder fails its check and cannot release the new lease', async () => {
      const key = unique('story')
      const stale = await state.acquireLease(key, 50)
      expect(stale.ok).toBe(true)
      await sleep(100)
      const fresh = await state.acquireLease(key, 10_000)
      expect(fresh.ok).toBe(true)
      if (!stale.ok || !fresh.ok) return
      expect(fresh.fence).toBeGreaterThan(stale.fence)
      expect(await state.checkLease(key, stale, 10_000)).toBe(false)
      await state.releaseLease(key, stale)
      expect(await state.checkLease(key, fresh, 10_000)).toBe(true)
    })

    it('spaces scheduled slots by the interval and refuses beyond the longest wait', async () => {
      const key = unique('space')
      const results = await Promise.all(Array.from({ length: 8 }, () => state.schedule(key, 100, 450)))
      const waits = results.filter((r) => r.ok).map((r) => (r.ok ? r.waitMs : -1))
      // 0, 100, 200, 300, 400 (up to clock ticks between calls); the rest would wait 500+ ms and are refused.
      expect(waits).toHaveLength(5)
      waits.sort((x, y) => x - y)
      waits.forEach((w, i) => {
        expect(w).toBeGreaterThanOrEqual(i * 100 - 10)
        expect(w).toBeLessThanOrEqual(i * 100)
      })
      for (const r of results.filter((r) => !r.ok)) expect(r.ok === false && r.retryAfterMs).toBeGreaterThan(450)
    })

    it('lets a quiet key burst, then keeps at most `burst` slots in any window', async () => {
      const key = unique('space')
      const results = await Promise.all(Array.from({ length: 8 }, () => state.schedule(key, 100, 450, 3)))
      const waits = results.flatMap((r) => (r.ok ? [r.waitMs] : [])).sort((x, y) => x - y)
      // Three at once, three a window (300 ms) later; the next three would wait 600 ms and are refused.
      expect(waits).toHaveLength(6)
      waits.forEach((w, i) => {
        const due = i < 3 ? 0 : 300
        expect(w).toBeGreaterThanOrEqual(due - 10)
        expect(w).toBeLessThanOrEqual(due)
      })
      for (const r of results.filter((r) => !r.ok)) expect(r.ok === false && r.retryAfterMs).toBeGreaterThan(450)
    })

    it('reports its health', async () => {
      expect(await state.health()).toMatchObject({ ok: true, kind: adapter.name })
    })
  })
}

describe.skipIf(!redisAvailable())('shared state on Redis: a server that goes away', () => {
  it('fails fast while the server is down, reports it, and reconnects by itself', async () => {
    const server = await startRedisServer()
    const state = createRedisState({ url: server.url, log: silent, commandTimeoutMs: 300 })
    try {
      await state.ready(5_000)
      expect((await state.takeToken('k', { capacity: 5, perMs: 1 })).ok).toBe(true)
      await server.kill()
      const started = performance.now()
      await expect(state.takeToken('k', { capacity: 5, perMs: 1 })).rejects.toThrow()
      expect(performance.now() - started).toBeLessThan(2_000)
      expect(await state.health()).toMatchObject({ ok: false, kind: 'redis' })
      await server.restart()
      expect(await state.ready(10_000)).toBe(true)
      expect(await state.health()).toMatchObject({ ok: true })
      expect((await state.takeToken('k', { capacity: 5, perMs: 1 })).ok).toBe(true)
    } finally {
      await state.close()
      await server.close()
    }
  })

  it('treats a slow server like a down one, and leaves no lease or hold behind from a timed-out call', async () => {
    const server = await startRedisServer()
    const state = createRedisState({ url: server.url, log: silent, commandTimeoutMs: 200 })
    try {
      await state.ready(5_000)
      server.pause()
      await expect(state.acquireLease('story', 30_000)).rejects.toThrow()
      await expect(state.reserveBudget('key', { limit: 10, amount: 10, holdMs: 60_000 })).rejects.toThrow()
      expect(await state.health()).toMatchObject({ ok: false })
      server.resume()
      // The server ran the late calls and then their undo: the story and the budget are free.
      await expect.poll(async () => (await state.health()).ok, { timeout: 5_000 }).toBe(true)
      expect((await state.acquireLease('story', 30_000)).ok).toBe(true)
      expect((await state.reserveBudget('key', { limit: 10, amount: 10, holdMs: 60_000 })).ok).toBe(true)
    } finally {
      server.resume()
      await state.close()
      await server.close()
    }
  })
})
