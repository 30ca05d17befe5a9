/** The glue on top of the shared-state port, on the in-process adapter with a fake clock and on a failing state. */
import { describe, expect, it } from 'vitest'
import { AppError } from '../../proxy/http/appError.ts'
import type { Log } from '../../proxy/deps.ts'
import { createMemoryState } from '../../proxy/state/memoryState.ts'
import type { SharedState } from '../../proxy/state/sharedState.ts'
import { createStateRateLimiter } from '../../proxy/state/stateRateLimiter.ts'
import { createStateTicketStore } from '../../proxy/state/stateTicketStore.ts'
import { createStateTokenBudget } from '../../proxy/state/stateTokenBudget.ts'
import { createStoryLock } from '../../proxy/state/storyLock.ts'
import { createStoryblokPacer } from '../../proxy/state/storyblokPacer.ts'

const fakeClock = () => {
  let t = Date.UTC(2026, 10, 25, 12, 0, 0)
  return { now: () => t, advance: (ms: number) => void (t += ms) }
}
const recordingLog = () => {
  const lines: string[] = []
  const log: Log = { debug() {}, info() {}, warn: (m) => void lines.push(m), error: (m) => void lines.push(m) }
  return { log, lines }
}
/** A state whose every operation fails, like Valkey/Redis while it is down. */
const down = (): SharedState =>
  new Proxy({} as SharedState, {
    get: (_t, prop) => (prop === 'kind' ? 'redis' : () => Promise.reject(new Error('connect ECONNREFUSED'))),
  })
const codeOf = async (p: Promise<unknown>) => {
  try {
    await p
    return 'resolved'
  } catch (err) {
    return err instanceof AppError ? err.code : String(err)
  }
}

describe('story lock', () => {
  it('runs applies to one story one after another, and others in parallel', async () => {
    const lock = createStoryLock({ state: createMemoryState({ clock: { now: Date.now } }), log: recordingLog().log })
    const order: string[] = []
    const work = (name: string, ms: number) => async (beforeWrite: () => Promise<void>) => {
      order.push(`${name} start`)
      await new Promise((r) => setTimeout(r, ms))
      await beforeWrite()
      order.push(`${name} end`)
    }
    await Promise.all([lock.run('1:1', work('a', 30)), lock.run('1:1', work('b', 0)), lock.run('1:2', work('c', 0))])
    expect(order.indexOf('a end')).toBeLessThan(order.indexOf('b start'))
    expect(order.indexOf('c end')).toBeLessThan(order.indexOf('a end'))
  })

  it('refuses the write of a holder whose lease lapsed (another may hold the story now)', async () => {
    const clock = fakeClock()
    const state = createMemoryState({ clock })
    const { log, lines } = recordingLog()
    const lock = createStoryLock({ state, log, ttlMs: 1_000 })
    let wrote = false
    const result = lock.run('1:1', async (beforeWrite) => {
      clock.advance(1_500)
      expect((await state.acquireLease('story:1:1', 1_000)).ok).toBe(true) // another instance took it
      await beforeWrite()
      wrote = true
    })
    expect(await codeOf(result)).toBe('conflict')
    expect(wrote).toBe(false)
    expect(lines).toContain('story lock lapsed before the write; not writing')
  })

  it('fails closed when the state does not answer: nothing runs', async () => {
    const lock = createStoryLock({ state: down(), log: recordingLog().log })
    let ran = false
    expect(await codeOf(lock.run('1:1', async () => void (ran = true)))).toBe('state_unavailable')
    expect(ran).toBe(false)
  })
})

describe('rate limits, budgets and tickets when the state does not answer', () => {
  it('rate limits fail open, with a throttled warning', async () => {
    const { log, lines } = recordingLog()
    const limiter = createStateRateLimiter({ state: down(), perMinute: 1, name: 'key', log })
    for (let i = 0; i < 5; i++) expect(await limiter.take('k')).toEqual({ ok: true })
    expect(lines).toEqual(['rate limit not checked: shared state unavailable (failing open)'])
  })

  it('budgets and tickets fail closed', async () => {
    const budget = createStateTokenBudget({ state: down(), limit: 100, holdTokens: 10, log: recordingLog().log })
    expect(await codeOf(Promise.resolve().then(() => budget.open('k')))).toBe('state_unavailable')
    const tickets = createStateTicketStore({ state: down() })
    expect(await codeOf(Promise.resolve().then(() => tickets.issue({ keyId: 'k' })))).toBe('state_unavailable')
    expect(await codeOf(Promise.resolve().then(() => tickets.redeem('t')))).toBe('state_unavailable')
  })

  it('the Storyblok pacer falls back to pacing in this process', async () => {
    const { log, lines } = recordingLog()
    const pace = createStoryblokPacer({ state: down(), perSecond: 6, maxWaitMs: 0, log })
    for (let i = 0; i < 6; i++) await pace(1)
    expect(await codeOf(pace(1))).toBe('storyblok_rate_limited')
    expect(lines[0]).toBe('storyblok pacing per instance: shared state unavailable')
  })
})

describe('budget on the shared state', () => {
  it('refuses with budget_exceeded and the reset time once spent, and counts the real usage of each turn', async () => {
    const clock = fakeClock()
    const state = createMemoryState({ clock })
    const budget = createStateTokenBudget({ state, limit: 100, holdTokens: 10, log: recordingLog().log })
    const turn = await budget.open('k')
    turn.record({ inputTokens: 80, outputTokens: 30 })
    await turn.end()
    expect(await state.budgetSpent('tokens:k')).toBe(110)
    const refused = await Promise.resolve()
      .then(() => budget.open('k'))
      .catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(AppError)
    expect(refused).toMatchObject({ code: 'budget_exceeded', retryAfterSeconds: 12 * 3600 })
    expect((refused as AppError).details).toEqual({ resetsAt: '2026-11-26T00:00:00.000Z' })
    clock.advance(12 * 3600_000)
    await expect(budget.open('k')).resolves.toBeDefined()
  })
})
