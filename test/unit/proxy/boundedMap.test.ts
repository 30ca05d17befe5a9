import { describe, expect, it } from 'vitest'
import { BoundedMap } from '../../../proxy/boundedMap.ts'

describe('BoundedMap', () => {
  it('keeps at most max entries, dropping the least recently used', () => {
    const m = new BoundedMap<number, string>(3)
    for (let i = 0; i < 1000; i++) m.set(i, `v${i}`)
    expect(m.size).toBe(3)
    expect([...m.keys()]).toEqual([997, 998, 999])
    expect(m.get(997)).toBe('v997') // now the most recent
    m.set(1000, 'v1000')
    expect([...m.keys()]).toEqual([999, 997, 1000])
    expect(m.get(5)).toBeUndefined()
  })
})
