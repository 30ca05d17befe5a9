import { describe, expect, it } from 'vitest'
import {
  bytesLEToInt16,
  downmix,
  floatToInt16,
  int16ToBytesLE,
  int16ToFloat,
  pcm16FromFloat,
  pcmDurationMs,
} from '../../../plugin/speech/pcm.ts'

describe('pcm', () => {
  it('maps full scale to the Int16 extremes and clamps overs', () => {
    expect([...floatToInt16(Float32Array.from([0, 1, -1, 0.5, -0.5, 2, -3]))]).toEqual([
      0, 32767, -32768, 16384, -16384, 32767, -32768,
    ])
  })

  it('writes little-endian bytes regardless of host order', () => {
    expect([...int16ToBytesLE(Int16Array.from([1, -2, 0x1234]))]).toEqual([0x01, 0x00, 0xfe, 0xff, 0x34, 0x12])
  })

  it('round-trips float → bytes → float within one LSB', () => {
    const src = Float32Array.from({ length: 500 }, (_, i) => Math.sin(i / 7) * 0.8)
    const back = int16ToFloat(bytesLEToInt16(pcm16FromFloat(src)))
    for (let i = 0; i < src.length; i++) expect(Math.abs(back[i]! - src[i]!)).toBeLessThan(1 / 32767)
  })

  it('downmixes stereo by averaging and passes mono through', () => {
    const l = Float32Array.from([1, 0.5, -1])
    const r = Float32Array.from([0, 0.5, 1])
    expect([...downmix([l, r])]).toEqual([0.5, 0.5, 0])
    expect(downmix([l])).toBe(l)
    expect(downmix([]).length).toBe(0)
  })

  it('computes duration of 16 kHz PCM bytes', () => {
    expect(pcmDurationMs(32_000)).toBe(1000)
    expect(pcmDurationMs(3_200)).toBe(100)
  })
})
