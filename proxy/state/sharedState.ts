/**
 * State that every proxy instance must see alike: single-use values, token buckets, daily budgets, leases and
 * request pacing. Two adapters: in-process (memoryState.ts, the default for one instance) and Valkey/Redis
 * (redisState.ts, `REDIS_URL`), where every operation is one atomic script on the server's clock.
 * Every operation may reject (Redis down or slow); each caller decides whether to fail open or closed.
 */
export interface SharedState {
  readonly kind: 'memory' | 'redis'

  /** Stores `value` under `key` for `ttlMs`, replacing an earlier value. */
  put(key: string, value: string, ttlMs: number): Promise<void>
  /** Reads and deletes in one step, so a value is handed out once; expired or unknown gives undefined. */
  take(key: string): Promise<string | undefined>

  /** Takes one token from `key`'s bucket (full at first, refilled continuously at `perMs`). */
  takeToken(key: string, bucket: { capacity: number; perMs: number }): Promise<TokenTake>

  /**
   * Holds `amount` of `key`'s budget for today (UTC, by the state's clock) unless what is spent plus what is held
   * already reaches `limit`. The hold lapses after `holdMs`, so a crashed instance does not keep budget forever.
   */
  reserveBudget(key: string, budget: { limit: number; amount: number; holdMs: number }): Promise<BudgetReservation>
  /** Adds `used` to today's spend and drops the hold (if it is still there). */
  settleBudget(key: string, holdId: string, used: number): Promise<void>
  /** Today's spend. */
  budgetSpent(key: string): Promise<number>

  /** A lease on `key` for `ttlMs`, with a fencing number that grows with every grant of that key. */
  acquireLease(key: string, ttlMs: number): Promise<LeaseGrant>
  /** True while `lease` still holds `key` (then extended to `ttlMs`); false once it lapsed or another holds it. */
  checkLease(key: string, lease: Lease, ttlMs: number): Promise<boolean>
  /** Deletes the lease only if `lease` still holds it. */
  releaseLease(key: string, lease: Lease): Promise<void>

  /**
   * Books the next slot on `key` so that any `burst × intervalMs` window holds at most `burst` slots (`burst` 1:
   * slots at least `intervalMs` apart): returns how long to wait for it, or a refusal (nothing booked) when that wait
   * would exceed `maxWaitMs`. A quiet key answers at once for up to `burst` requests.
   */
  schedule(key: string, intervalMs: number, maxWaitMs: number, burst?: number): Promise<ScheduleResult>

  health(): Promise<StateHealth>
  close(): Promise<void>
}

export type TokenTake = { ok: true; retryAfterMs?: never } | { ok: false; retryAfterMs: number }

export type BudgetReservation =
  | { ok: true; holdId: string; spent: number; resetsAt?: never }
  | { ok: false; holdId?: never; spent: number; /** Next 00:00 UTC, epoch ms. */ resetsAt: number; now: number }

export type Lease = { holder: string; fence: number }
export type LeaseGrant =
  ({ ok: true } & Lease) | { ok: false; /** When the current lease lapses at the latest. */ retryAfterMs: number }

export type ScheduleResult = { ok: true; waitMs: number } | { ok: false; retryAfterMs: number }

export type StateHealth =
  | { ok: true; kind: SharedState['kind']; latencyMs: number; error?: never }
  | { ok: false; kind: SharedState['kind']; error: string }

export const DAY_MS = 86_400_000
