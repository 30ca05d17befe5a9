import { once } from '../lazyPorts.ts'
import type { RedisStateOptions } from './redisState.ts'
import type { SharedState } from './sharedState.ts'

/**
 * The Redis adapter with ioredis imported on first use: it more than doubles the proxy's main chunk, which the
 * default (in-process) deployment never needs (issue 8: cold start). `ready()` starts the load and the connection.
 */
export function lazyRedisState(
  options: RedisStateOptions,
): SharedState & { ready(timeoutMs: number): Promise<boolean> } {
  const get = once(async () => (await import('./redisState.ts')).createRedisState(options))
  let loaded = false
  const state = () => get().then((s) => ((loaded = true), s))
  return {
    kind: 'redis',
    put: async (key, value, ttlMs) => (await state()).put(key, value, ttlMs),
    take: async (key) => (await state()).take(key),
    takeToken: async (key, bucket) => (await state()).takeToken(key, bucket),
    reserveBudget: async (key, budget) => (await state()).reserveBudget(key, budget),
    settleBudget: async (key, holdId, used) => (await state()).settleBudget(key, holdId, used),
    budgetSpent: async (key) => (await state()).budgetSpent(key),
    acquireLease: async (key, ttlMs) => (await state()).acquireLease(key, ttlMs),
    checkLease: async (key, lease, ttlMs) => (await state()).checkLease(key, lease, ttlMs),
    releaseLease: async (key, lease) => (await state()).releaseLease(key, lease),
    schedule: async (key, intervalMs, maxWaitMs, burst) => (await state()).schedule(key, intervalMs, maxWaitMs, burst),
    health: async () => (await state()).health(),
    ready: async (timeoutMs) => (await state()).ready(timeoutMs),
    // Nothing to close when it never loaded (destroy() must not import ioredis just to disconnect it).
    close: async () => (loaded ? (await state()).close() : undefined),
  }
}
