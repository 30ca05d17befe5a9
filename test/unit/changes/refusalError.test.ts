import { describe, expect, it } from 'vitest'
import { refusalError } from '../../../proxy/changes/refusalError.ts'
import type { ChangeProblem } from '../../../proxy/story/changeProblem.ts'

const invalid: ChangeProblem = { blockUid: 'b1', field: 'image', language: 'default', kind: 'invalid', reason: 'no' }
const conflict: ChangeProblem = {
  blockUid: 'b2',
  field: 'headline',
  language: 'de',
  kind: 'conflict',
  expected: 'old',
  actual: 'human',
}

describe('refusalError', () => {
  it('reports invalid changes first, in the wire shape of details.problems', () => {
    const e = refusalError([conflict, invalid])
    expect(e.code).toBe('invalid_change')
    expect(e.details).toEqual({ problems: [{ blockUid: 'b1', field: 'image', language: 'default', reason: 'no' }] })
    expect(e.message).toBe('1 change cannot be saved: no')
  })

  it('otherwise reports the conflicts, in the wire shape of details.conflicts', () => {
    const e = refusalError([conflict])
    expect(e.code).toBe('conflict')
    expect(e.details).toEqual({
      conflicts: [{ blockUid: 'b2', field: 'headline', language: 'de', expected: 'old', actual: 'human' }],
    })
  })
})
