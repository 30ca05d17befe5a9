import { describe, expect, it } from 'vitest'
import { createChangeTokens } from '../../../proxy/authority/changeToken.ts'
import { valueDigest } from '../../../proxy/authority/valueDigest.ts'

const clock = { now: () => 1_000_000 }
const payload = { typ: 'apply' as const, cs: 'cs-1', sp: 1, st: 2, rl: null, t: [] }
const OLD = 'old-secret-'.padEnd(40, 'o')
const NEW = 'new-secret-'.padEnd(40, 'n')

describe('change tokens', () => {
  it('verify what they signed until they expire', () => {
    const tokens = createChangeTokens({ secrets: [NEW], clock })
    const token = tokens.sign(payload, 1000)
    expect(tokens.verify(token)).toEqual({ ok: true, payload: { ...payload, exp: 1_001_000 } })
    const later = createChangeTokens({ secrets: [NEW], clock: { now: () => 1_001_000 } })
    expect(later.verify(token)).toMatchObject({ ok: false, expired: true })
  })

  it('rotate: the first secret signs, every listed secret verifies, a removed one no longer does', () => {
    const before = createChangeTokens({ secrets: [OLD], clock }).sign(payload, 1000)
    const rotating = createChangeTokens({ secrets: [NEW, OLD], clock })
    expect(rotating.verify(before).ok).toBe(true)
    expect(createChangeTokens({ secrets: [NEW], clock }).verify(rotating.sign(payload, 1000)).ok).toBe(true)
    expect(createChangeTokens({ secrets: [NEW], clock }).verify(before)).toMatchObject({ ok: false, expired: false })
  })

  it('refuse any change to the signed text', () => {
    const tokens = createChangeTokens({ secrets: [NEW], clock })
    const token = tokens.sign(payload, 1000)
    for (let i = 0; i < token.length; i++) {
      const flipped = token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1)
      expect(tokens.verify(flipped).ok, `position ${i}`).toBe(false)
    }
    expect(tokens.verify('').ok).toBe(false)
    expect(tokens.verify(`${token}.x`).ok).toBe(false)
  })
})

describe('valueDigest', () => {
  it('is equal exactly where sameValue is: key order and blank values do not matter', () => {
    expect(valueDigest({ a: 1, b: [1, { c: '' }] })).toBe(valueDigest({ b: [1, {}], a: 1 }))
    expect(valueDigest(null)).toBe(valueDigest(''))
    expect(valueDigest(undefined)).toBe(valueDigest(null))
    expect(valueDigest('a')).not.toBe(valueDigest('b'))
    expect(valueDigest(1)).not.toBe(valueDigest('1'))
  })
})
