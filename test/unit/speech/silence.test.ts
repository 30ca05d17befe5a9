import { describe, expect, it } from 'vitest'
import { createSilenceDetector, levelFromRms, rms } from '../../../plugin/speech/silence.ts'

const RATE = 16_000
const tone = (ms: number, amp: number) =>
  Float32Array.from({ length: (RATE * ms) / 1000 }, (_, i) => amp * Math.sin(i / 3))
const quiet = (ms: number) => Float32Array.from({ length: (RATE * ms) / 1000 }, (_, i) => 0.001 * Math.sin(i))

function feed(det: ReturnType<typeof createSilenceDetector>, signal: Float32Array, frameMs = 100) {
  const n = (RATE * frameMs) / 1000
  const states = []
  for (let i = 0; i < signal.length; i += n) states.push(det.push(signal.subarray(i, i + n)))
  return states
}

describe('silence detection', () => {
  it('computes RMS of a sine as amplitude / √2', () => {
    expect(rms(tone(1000, 0.4))).toBeCloseTo(0.4 / Math.SQRT2, 2)
    expect(rms(new Float32Array(0))).toBe(0)
  })

  it('maps levels on a dB scale between 0 and 1', () => {
    expect(levelFromRms(0)).toBe(0)
    expect(levelFromRms(1)).toBe(1)
    expect(levelFromRms(10 ** -1.5)).toBeCloseTo(0.5, 5)
    expect(levelFromRms(0.0001)).toBe(0)
  })

  it('ends an utterance only after speech followed by the hold time of silence', () => {
    const det = createSilenceDetector({ sampleRate: RATE, holdMs: 800 })
    const states = feed(det, Float32Array.from([...quiet(1000), ...tone(600, 0.3), ...quiet(1000)]))
    const endedAt = states.findIndex((s) => s.ended)
    // 10 frames leading silence + 6 speech + 8 of hold → frame index 23
    expect(endedAt).toBe(23)
    expect(states.slice(0, 10).every((s) => s.silent && !s.ended)).toBe(true)
  })

  it('never ends on silence alone or on a click shorter than the minimum speech', () => {
    const det = createSilenceDetector({ sampleRate: RATE, holdMs: 500, minSpeechMs: 200 })
    const states = feed(det, Float32Array.from([...quiet(2000), ...tone(100, 0.5), ...quiet(2000)]))
    expect(states.some((s) => s.ended)).toBe(false)
  })

  it('restarts the hold when speech resumes, and reset() forgets earlier speech', () => {
    const det = createSilenceDetector({ sampleRate: RATE, holdMs: 500 })
    const states = feed(det, Float32Array.from([...tone(300, 0.3), ...quiet(400), ...tone(300, 0.3), ...quiet(400)]))
    expect(states.some((s) => s.ended)).toBe(false)
    expect(feed(det, quiet(200)).at(-1)?.ended).toBe(true)
    det.reset()
    expect(feed(det, quiet(1000)).some((s) => s.ended)).toBe(false)
  })
})
