import { randomBytes } from 'node:crypto'
import type { Clock } from '../deps.ts'
import { DAY_MS, type Lease, type SharedState } from './sharedState.ts'

/**
 * The in-process adapter: one instance, nothing to run beside it. Time comes from the injected clock; expired
 * entries are dropped when touched and swept when a map grows past `maxEntries`, so memory stays bounded.
 */
export function createMemoryState({ clock, maxEntries = 10_000 }: { clock: Clock; maxEntries?: number }): SharedState {
  const values = new Map<string, { value: string; expiresAt: number }>()
  const buckets = new Map<string, { tokens: number; at: number; capacity: number; perMs: number }>()
  const budgets = new Map<
    string,
    { day: number; spent: number; holds: Map<string, { amount: number; until: number }> }
  >()
  const leases = new Map<string, { holder: string; fence: number; until: number }>()
  const fences = new Map<string, number>()
  // Booked slots per key, newest first (at most `burst` kept).
  const slots = new Map<string, number[]>()

  const refill = (b: { tokens: number; at: number; capacity: number; perMs: number }, now: number) => {
    b.tokens = Math.min(b.capacity, b.tokens + Math.max(0, now - b.at) * b.perMs)
    b.at = now
  }
  const sweep = (now: number) => {
    if (values.size >= maxEntries) for (const [k, v] of values) if (v.expiresAt <= now) values.delete(k)
    if (buckets.size >= maxEntries)
      for (const [k, b] of buckets) {
        refill(b, now)
        if (b.tokens >= b.capacity) buckets.delete(k)
      }
    if (slots.size >= maxEntries) for (const [k, booked] of slots) if ((booked[0] ?? 0) <= now) slots.delete(k)
    if (leases.size >= maxEntries) for (const [k, l] of leases) if (l.until <= now) leases.delete(k)
    // A fence may restart once its key has no lease: a check compares the holder's random id as well.
    if (fences.size >= maxEntries) for (const k of fences.keys()) if (!liveLease(k, now)) fences.delete(k)
  }
  const budgetOf = (key: string, now: number) => {
    const day = Math.floor(now / DAY_MS)
    let b = budgets.get(key)
    if (!b || b.day !== day) {
      b = { day, spent: 0, holds: b?.holds ?? new Map() }
      budgets.set(key, b)
    }
    for (const [id, h] of b.holds) if (h.until <= now) b.holds.delete(id)
    return b
  }
  const liveLease = (key: string, now: number) => {
    const l = leases.get(key)
    if (l && l.until <= now) leases.delete(key)
    return l && l.until > now ? l : undefined
  }
  const holds = (key: string, lease: Lease, now: number) => {
    const l = liveLease(key, now)
    return l !== undefined && l.holder === lease.holder && l.fence === lease.fence ? l : undefined
  }

  return {
    kind: 'memory',
    async put(key, value, ttlMs) {
      const now = clock.now()
      sweep(now)
      values.set(key, { value, expiresAt: now + ttlMs })
    },
    async take(key) {
      const v = values.get(key)
      values.delete(key)
      return v && v.expiresAt > clock.now() ? v.value : undefined
    },
    async takeToken(key, { capacity, perMs }) {
      const now = clock.now()
      if (!buckets.has(key)) sweep(now)
      const b = buckets.get(key) ?? { tokens: capacity, at: now, capacity, perMs }
      Object.assign(b, { capacity, perMs })
      refill(b, now)
      buckets.set(key, b)
      if (b.tokens >= 1) {
        b.tokens -= 1
        return { ok: true }
      }
      return { ok: false, retryAfterMs: Math.ceil((1 - b.tokens) / perMs) }
    },
    async reserveBudget(key, { limit, amount, holdMs }) {
      const now = clock.now()
      const b = budgetOf(key, now)
      let held = 0
      for (const h of b.holds.values()) held += h.amount
      if (b.spent + held >= limit) return { ok: false, spent: b.spent, resetsAt: (b.day + 1) * DAY_MS, now }
      const holdId = randomBytes(12).toString('base64url')
      b.holds.set(holdId, { amount, until: now + holdMs })
      return { ok: true, holdId, spent: b.spent }
    },
    async settleBudget(key, holdId, used) {
      const b = budgetOf(key, clock.now())
      b.holds.delete(holdId)
      b.spent += Math.max(0, used)
    },
    async budgetSpent(key) {
      return budgetOf(key, clock.now()).spent
    },
    async acquireLease(key, ttlMs) {
      const now = clock.now()
      sweep(now)
      const current = liveLease(key, now)
      if (current) return { ok: false, retryAfterMs: current.until - now }
      const fence = (fences.get(key) ?? 0) + 1
      fences.set(key, fence)
      const holder = randomBytes(12).toString('base64url')
      leases.set(key, { holder, fence, until: now + ttlMs })
      return { ok: true, holder, fence }
    },
    async checkLease(key, lease, ttlMs) {
      const now = clock.now()
      const l = holds(key, lease, now)
      if (l) l.until = now + ttlMs
      return l !== undefined
    },
    async releaseLease(key, lease) {
      if (holds(key, lease, clock.now())) leases.delete(key)
    },
    async schedule(key, intervalMs, maxWaitMs, burst = 1) {
      const now = clock.now()
      if (!slots.has(key)) sweep(now)
      const booked = slots.get(key) ?? []
      // Slots are booked in order, so "each slot at least one window after the one `burst` places before it" is
      // "at most `burst` slots in any window".
      const oldest = booked.length >= burst ? booked[burst - 1]! + intervalMs * burst : now
      const slot = Math.max(now, booked[0] ?? now, oldest)
      const waitMs = slot - now
      if (waitMs > maxWaitMs) return { ok: false, retryAfterMs: waitMs }
      slots.set(key, [slot, ...booked].slice(0, burst))
      return { ok: true, waitMs }
    },
    async health() {
      return { ok: true, kind: 'memory', latencyMs: 0 }
    },
    async close() {},
  }
}
