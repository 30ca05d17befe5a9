import { describe, expect, it } from 'vitest'
import { createResampler, resample } from '../../../plugin/speech/resample.ts'
import { rms } from '../../../plugin/speech/silence.ts'

const sine = (freq: number, rate: number, seconds: number, amp = 0.5) =>
  Float32Array.from({ length: Math.round(rate * seconds) }, (_, i) => amp * Math.sin((2 * Math.PI * freq * i) / rate))

/** Frequency from upward zero crossings, ignoring the filter's start-up samples. */
function frequencyOf(x: Float32Array, rate: number): number {
  const skip = Math.round(rate * 0.05)
  let first = -1
  let last = -1
  let count = 0
  for (let i = skip + 1; i < x.length; i++) {
    if (x[i - 1]! < 0 && x[i]! >= 0) {
      if (first < 0) first = i
      else count++
      last = i
    }
  }
  return (count * rate) / (last - first)
}

describe('resample', () => {
  it('keeps a 440 Hz sine at 440 Hz and a third of the length going 48k → 16k', () => {
    const out = resample(sine(440, 48_000, 1), 48_000, 16_000)
    expect(Math.abs(out.length - 16_000)).toBeLessThanOrEqual(1)
    expect(frequencyOf(out, 16_000)).toBeCloseTo(440, 0)
    expect(rms(out.subarray(1000))).toBeCloseTo(0.5 / Math.SQRT2, 2)
  })

  it('handles 44.1k → 16k with fractional steps', () => {
    const out = resample(sine(1000, 44_100, 1), 44_100, 16_000)
    expect(Math.abs(out.length - 16_000)).toBeLessThanOrEqual(1)
    expect(frequencyOf(out, 16_000)).toBeCloseTo(1000, 0)
  })

  it('gives the same samples when fed in 128-sample render quanta as in one buffer', () => {
    const input = sine(300, 48_000, 0.5)
    const whole = resample(input, 48_000, 16_000)
    const r = createResampler({ fromRate: 48_000, toRate: 16_000 })
    const parts: number[] = []
    for (let i = 0; i < input.length; i += 128) parts.push(...r.process(input.subarray(i, i + 128)))
    expect(parts.length).toBe(whole.length)
    for (let i = 0; i < whole.length; i++) expect(parts[i]).toBeCloseTo(whole[i]!, 5)
  })

  it('suppresses a 14 kHz tone instead of aliasing it into the speech band', () => {
    const out = resample(sine(14_000, 48_000, 0.5), 48_000, 16_000)
    expect(rms(out.subarray(200))).toBeLessThan(0.02)
  })

  it('passes audio through when the rates match', () => {
    const input = sine(440, 16_000, 0.1)
    expect(resample(input, 16_000, 16_000)).toBe(input)
  })
})
