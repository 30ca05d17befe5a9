import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import type { Log } from '../deps.ts'
import * as scripts from './redisScripts.ts'
import type { Lease, SharedState } from './sharedState.ts'

export type RedisStateOptions = {
  /** `redis://` or `rediss://` (TLS), with the auth token as password: `rediss://:TOKEN@host:6379`. */
  url: string
  log: Log
  /** A command not answered in this time fails, so a slow server degrades like a down one. @default 500 */
  commandTimeoutMs?: number
  /** Every key starts with this, so several deployments can share one server. @default 'sva:' */
  keyPrefix?: string
}

type Script = keyof typeof COMMANDS
const COMMANDS = {
  takeTokenScript: { numberOfKeys: 1, lua: scripts.TAKE_TOKEN },
  reserveBudgetScript: { numberOfKeys: 2, lua: scripts.RESERVE_BUDGET },
  settleBudgetScript: { numberOfKeys: 2, lua: scripts.SETTLE_BUDGET },
  budgetSpentScript: { numberOfKeys: 1, lua: scripts.BUDGET_SPENT },
  acquireLeaseScript: { numberOfKeys: 2, lua: scripts.ACQUIRE_LEASE },
  checkLeaseScript: { numberOfKeys: 1, lua: scripts.CHECK_LEASE },
  releaseLeaseScript: { numberOfKeys: 1, lua: scripts.RELEASE_LEASE },
  scheduleScript: { numberOfKeys: 1, lua: scripts.SCHEDULE },
} as const

/** `{key}` as a hash tag: the keys of one script land in one cluster slot. */
const tag = (key: string) => `{${key}}`
const leaseValue = (lease: Lease) => `${lease.holder}:${lease.fence}`

/**
 * The Valkey/Redis adapter on ioredis. Commands fail at once while disconnected (no offline queue) and are never
 * resent after a reconnect (a budget or lease script must not run twice); the client reconnects by itself.
 */
export function createRedisState({
  url,
  log,
  commandTimeoutMs = 500,
  keyPrefix = 'sva:',
}: RedisStateOptions): SharedState & {
  /** Resolves once connected, or after `timeoutMs` (the state then answers with errors until it connects). */
  ready(timeoutMs: number): Promise<boolean>
} {
  const redis = new Redis(url, {
    keyPrefix,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: commandTimeoutMs,
    connectTimeout: 2_000,
    retryStrategy: (times) => Math.min(50 * 2 ** times, 2_000),
    // ElastiCache may answer MOVED/READONLY during a failover: reconnect to the new primary.
    reconnectOnError: (err) => /READONLY|LOADING/.test(err.message),
  })
  for (const [name, { numberOfKeys, lua }] of Object.entries(COMMANDS)) redis.defineCommand(name, { numberOfKeys, lua })

  // Log transitions only: a down server emits an error per reconnect attempt.
  let up = false
  let lastError = 'not connected yet'
  redis.on('ready', () => {
    if (!up) log.info('shared state connected', { kind: 'redis' })
    up = true
  })
  redis.on('error', (err: Error) => {
    lastError = err.message
    if (up) log.warn('shared state unavailable; reconnecting', { kind: 'redis', error: err.message })
    up = false
  })
  redis.on('close', () => {
    if (up) log.warn('shared state connection closed; reconnecting', { kind: 'redis' })
    up = false
  })

  const run = async (name: Script, ...args: Array<string | number>): Promise<unknown> =>
    (redis as unknown as Record<Script, (...a: Array<string | number>) => Promise<unknown>>)[name](...args)
  const undoOnFailure = async <T>(p: Promise<T>, undo: () => Promise<unknown>): Promise<T> => {
    try {
      return await p
    } catch (err) {
      undo().catch(() => {})
      throw err
    }
  }
  const pair = async (p: Promise<unknown>): Promise<[number, number]> => {
    const r = (await p) as [number, number]
    return [Number(r[0]), Number(r[1])]
  }

  return {
    kind: 'redis',
    async put(key, value, ttlMs) {
      await redis.set(tag(key), value, 'PX', Math.max(1, Math.ceil(ttlMs)))
    },
    async take(key) {
      return (await redis.getdel(tag(key))) ?? undefined
    },
    async takeToken(key, { capacity, perMs }) {
      const [ok, retryAfterMs] = await pair(run('takeTokenScript', tag(key), capacity, perMs))
      return ok === 1 ? { ok: true } : { ok: false, retryAfterMs }
    },
    async reserveBudget(key, { limit, amount, holdMs }) {
      const holdId = randomBytes(12).toString('base64url')
      const r = (await undoOnFailure(
        run(
          'reserveBudgetScript',
          `budget:${tag(key)}`,
          `budget:${tag(key)}:holds`,
          limit,
          Math.max(0, Math.round(amount)),
          Math.ceil(holdMs),
          holdId,
        ),
        // Timed out, yet it may still run once the server catches up: drop the hold it would leave.
        () => run('settleBudgetScript', `budget:${tag(key)}`, `budget:${tag(key)}:holds`, holdId, 0),
      )) as number[]
      if (Number(r[0]) === 1) return { ok: true, holdId, spent: Number(r[1]) }
      return { ok: false, spent: Number(r[1]), resetsAt: Number(r[2]), now: Number(r[3]) }
    },
    async settleBudget(key, holdId, used) {
      await run(
        'settleBudgetScript',
        `budget:${tag(key)}`,
        `budget:${tag(key)}:holds`,
        holdId,
        Math.max(0, Math.round(used)),
      )
    },
    async budgetSpent(key) {
      return Number(await run('budgetSpentScript', `budget:${tag(key)}`))
    },
    async acquireLease(key, ttlMs) {
      const holder = randomBytes(12).toString('base64url')
      const [ok, n] = await pair(
        undoOnFailure(
          run('acquireLeaseScript', `lease:${tag(key)}`, `fence:${tag(key)}`, holder, Math.ceil(ttlMs)),
          // Timed out, yet it may still be granted once the server catches up: a lease nobody holds would block
          // the story for ttlMs. The release goes out on the same connection, so it runs after the grant.
          () => run('releaseLeaseScript', `lease:${tag(key)}`, `${holder}:`),
        ),
      )
      return ok === 1 ? { ok: true, holder, fence: n } : { ok: false, retryAfterMs: Math.max(0, n) }
    },
    async checkLease(key, lease, ttlMs) {
      return Number(await run('checkLeaseScript', `lease:${tag(key)}`, leaseValue(lease), Math.ceil(ttlMs))) === 1
    },
    async releaseLease(key, lease) {
      await run('releaseLeaseScript', `lease:${tag(key)}`, leaseValue(lease))
    },
    async schedule(key, intervalMs, maxWaitMs, burst = 1) {
      const [ok, waitMs] = await pair(
        run(
          'scheduleScript',
          `pace:${tag(key)}`,
          Math.ceil(intervalMs),
          Math.floor(maxWaitMs),
          Math.max(1, Math.floor(burst)),
        ),
      )
      return ok === 1 ? { ok: true, waitMs } : { ok: false, retryAfterMs: waitMs }
    },
    async health() {
      const started = performance.now()
      try {
        await redis.ping()
        return { ok: true, kind: 'redis', latencyMs: Math.round(performance.now() - started) }
      } catch (err) {
        return { ok: false, kind: 'redis', error: up ? (err as Error).message : lastError }
      }
    },
    async close() {
      up = false
      redis.disconnect()
    },
    ready(timeoutMs) {
      if (redis.status === 'ready') return Promise.resolve(true)
      return new Promise((resolve) => {
        const timer = setTimeout(() => done(false), timeoutMs)
        const onReady = () => done(true)
        const done = (ok: boolean) => {
          clearTimeout(timer)
          redis.off('ready', onReady)
          resolve(ok)
        }
        redis.once('ready', onReady)
      })
    },
  }
}
