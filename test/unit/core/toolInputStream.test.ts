import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { toolInputStream } from '../../../proxy/proposal/toolInputStream.ts'

const input = {
  question: 'Which {headline}? [sic] "quoted"',
  changes: [
    { blockUid: 'a', field: 'headline', value: 'He said "hi" \\ {not a brace} [x]' },
    { blockUid: 'b', field: 'text', value: '## Title\n\n- one', language: 'de' },
    { blockUid: 'c', field: 'flags', value: ['x', 'y'] },
  ],
  changesNote: [{ ignored: true }],
}

describe('toolInputStream', () => {
  it('emits each change as soon as its object closes, before the input ends', () => {
    const json = JSON.stringify(input)
    const first = JSON.stringify(input.changes[0])
    const firstEnd = json.indexOf(first) + first.length
    const stream = toolInputStream()
    expect(stream.push(json.slice(0, firstEnd - 1))).toEqual([])
    expect(stream.push(json.slice(firstEnd - 1, firstEnd))).toEqual([input.changes[0]])
    expect(stream.push(json.slice(firstEnd))).toEqual(input.changes.slice(1))
    expect(JSON.parse(stream.input)).toEqual(input)
  })

  it('yields the same elements however the input is chunked', () => {
    const json = JSON.stringify(input, null, 1)
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 200 }), (sizes) => {
        const stream = toolInputStream()
        const out: unknown[] = []
        let at = 0
        for (let i = 0; at < json.length; i++) {
          const size = sizes[i % sizes.length]!
          out.push(...stream.push(json.slice(at, at + size)))
          at += size
        }
        expect(out).toEqual(input.changes)
      }),
    )
  })

  it('a large input fed one character at a time yields every element exactly once', () => {
    const big = {
      changes: Array.from({ length: 300 }, (_, i) => ({ blockUid: `u${i}`, field: 'text', value: 'y'.repeat(500) })),
    }
    const json = JSON.stringify(big)
    const stream = toolInputStream()
    let count = 0
    for (const ch of json) count += stream.push(ch).length
    expect(count).toBe(300)
  })

  it('ignores arrays that are not the top-level "changes"', () => {
    const stream = toolInputStream()
    expect(stream.push('{"other":[{"a":1}],"x":{"changes":[{"b":2}]},"changes":[{"c":3}]}')).toEqual([{ c: 3 }])
  })
})
