import { describe, expect, it } from 'vitest'
import {
  CAPTURE_PROCESSOR_NAME,
  captureWorkletSource,
  type CaptureFrame,
} from '../../../plugin/speech/captureWorklet.ts'
import { bytesLEToInt16, int16ToFloat } from '../../../plugin/speech/pcm.ts'

type Processor = { process(inputs: Float32Array[][]): boolean; port: { onmessage?: (e: { data: unknown }) => void } }

/** Runs the worklet source in a fake AudioWorkletGlobalScope at the given context rate. */
function loadProcessor(contextRate: number, processorOptions: Record<string, unknown> = {}) {
  const frames: CaptureFrame[] = []
  let Ctor: (new (o: unknown) => Processor) | undefined
  class FakeProcessor {
    port = { postMessage: (m: CaptureFrame) => frames.push(m), onmessage: undefined }
  }
  const register = (name: string, c: new (o: unknown) => Processor) => {
    expect(name).toBe(CAPTURE_PROCESSOR_NAME)
    Ctor = c
  }
  new Function('AudioWorkletProcessor', 'registerProcessor', 'sampleRate', captureWorkletSource)(
    FakeProcessor,
    register,
    contextRate,
  )
  const processor = new Ctor!({ processorOptions })
  return { processor, frames }
}

function run(contextRate: number, seconds: number, freq: number, channels = 1) {
  const { processor, frames } = loadProcessor(contextRate)
  const total = Math.round(contextRate * seconds)
  for (let start = 0; start < total; start += 128) {
    const ch = Float32Array.from(
      { length: 128 },
      (_, i) => 0.5 * Math.sin((2 * Math.PI * freq * (start + i)) / contextRate),
    )
    processor.process([Array.from({ length: channels }, () => ch)])
  }
  return frames
}

describe('capture worklet', () => {
  it('posts 100 ms frames of 16 kHz Int16 LE from a 48 kHz context', () => {
    const frames = run(48_000, 1, 440)
    expect(frames.length).toBe(10)
    for (const f of frames) expect(f.pcm.byteLength).toBe(3200)
    const samples = int16ToFloat(bytesLEToInt16(new Uint8Array(frames[5]!.pcm)))
    let crossings = 0
    for (let i = 1; i < samples.length; i++) if (samples[i - 1]! < 0 && samples[i]! >= 0) crossings++
    expect(crossings).toBeGreaterThanOrEqual(43) // 440 Hz over 100 ms
    expect(crossings).toBeLessThanOrEqual(45)
    expect(frames[5]!.rms).toBeCloseTo(0.5 / Math.SQRT2, 1)
  })

  it('passes a 16 kHz context through and downmixes stereo', () => {
    const frames = run(16_000, 0.5, 300, 2)
    expect(frames.length).toBe(5)
    expect(frames.every((f) => f.pcm.byteLength === 3200)).toBe(true)
  })

  it('resamples 44.1 kHz to the right length', () => {
    const frames = run(44_100, 1, 1000)
    const bytes = frames.reduce((n, f) => n + f.pcm.byteLength, 0)
    expect(Math.abs(bytes / 2 - 16_000)).toBeLessThan(3200) // the last partial frame stays buffered until flush
  })

  it('flushes the partial frame on stop and then ends', () => {
    const { processor, frames } = loadProcessor(16_000)
    processor.process([[new Float32Array(1000).fill(0.25)]])
    expect(frames.length).toBe(0)
    processor.port.onmessage?.({ data: 'stop' })
    expect(frames[0]!.pcm.byteLength).toBe(2000)
    expect(processor.process([[new Float32Array(128)]])).toBe(false)
  })
})
