import { describe, expect, it } from 'vitest'
import { readHistory } from '../../../shared/historyEntry.ts'
import { appendHistory, type HistoryEntry } from '../../../proxy/story/historyEntry.ts'

const entry = (n: number, extra: Partial<HistoryEntry> = {}): HistoryEntry => ({
  id: `e${n}`,
  at: `2026-11-25T15:00:${String(n % 60).padStart(2, '0')}.000Z`,
  userId: 1,
  transcript: `t${n}`,
  modelId: 'm',
  reason: 'apply',
  changes: [{ blockUid: 'b', field: 'headline', language: 'default', before: `old${n}`, after: `new${n}` }],
  ...extra,
})

describe('historyEntry', () => {
  it.each(['', null, undefined, 'not json', 42])('starts a fresh history from %j', (previous) => {
    expect(appendHistory(previous, entry(1))).toEqual({ v: 1, history: [entry(1)] })
  })

  it("reads older shapes: a bare list, a JSON string, and keeps the plugin's other keys", () => {
    expect(readHistory([entry(1)]).history).toEqual([entry(1)])
    expect(readHistory(JSON.stringify({ v: 1, history: [entry(2)] })).history).toEqual([entry(2)])
    expect(appendHistory({ v: 1, history: [entry(1)], settings: { voice: 'on' } }, entry(2))).toEqual({
      v: 1,
      history: [entry(1), entry(2)],
      settings: { voice: 'on' },
    })
  })

  it('keeps the last 20 entries', () => {
    let value: unknown = ''
    for (let i = 1; i <= 25; i++) value = appendHistory(value, entry(i))
    const { history } = readHistory(value)
    expect(history).toHaveLength(20)
    expect(history[0]?.id).toBe('e6')
    expect(history.at(-1)?.id).toBe('e25')
  })

  it('caps the size: large values become markers, oldest entries go first', () => {
    const big = entry(1, {
      changes: [{ blockUid: 'b', field: 'text', language: 'default', before: 'x'.repeat(10_000), after: 'y' }],
    })
    const value = appendHistory('', big)
    expect(value.history[0]?.changes[0]?.before).toEqual({ omitted: 'too large for the history', bytes: 10_002 })
    let many: unknown = ''
    for (let i = 1; i <= 20; i++)
      many = appendHistory(many, entry(i, { transcript: 'z'.repeat(1_900) }), { maxBytes: 10_000 })
    expect(JSON.stringify(many).length).toBeLessThanOrEqual(10_000)
    expect(readHistory(many).history.at(-1)?.id).toBe('e20')
  })
})
