/**
 * Streaming resampler for mono audio: a windowed-sinc low-pass (only when downsampling, so content above the
 * new Nyquist does not alias into speech) followed by linear interpolation. State carries across chunks,
 * so chunk boundaries leave no clicks and the output length tracks input × toRate / fromRate.
 */
export type Resampler = { process(input: Float32Array): Float32Array; readonly ratio: number }

export function createResampler({
  fromRate,
  toRate,
  taps = 31,
}: {
  fromRate: number
  toRate: number
  taps?: number
}): Resampler {
  if (!(fromRate > 0 && toRate > 0)) throw new RangeError('sample rates must be positive')
  const ratio = fromRate / toRate
  if (ratio === 1) return { ratio, process: (input) => input }
  const kernel = ratio > 1 ? lowPassKernel(taps | 1, (0.5 / ratio) * 0.92) : new Float32Array([1])
  const history = new Float32Array(kernel.length - 1)
  let prev = 0
  let t = 0 // position of the next output sample, in input samples from the start of the current chunk

  function filter(input: Float32Array): Float32Array {
    if (kernel.length === 1) return input
    const joined = new Float32Array(history.length + input.length)
    joined.set(history)
    joined.set(input, history.length)
    const out = new Float32Array(input.length)
    for (let i = 0; i < input.length; i++) {
      let acc = 0
      for (let k = 0; k < kernel.length; k++) acc += kernel[k]! * joined[i + k]!
      out[i] = acc
    }
    history.set(joined.subarray(joined.length - history.length))
    return out
  }

  return {
    ratio,
    process(input) {
      const x = filter(input)
      const n = x.length
      if (n === 0) return new Float32Array(0)
      const out: number[] = []
      while (t <= n - 1) {
        const i0 = Math.floor(t)
        const frac = t - i0
        const a = i0 < 0 ? prev : x[i0]!
        const b = i0 + 1 < n ? x[i0 + 1]! : a
        out.push(a + (b - a) * frac)
        t += ratio
      }
      t -= n
      prev = x[n - 1]!
      return Float32Array.from(out)
    },
  }
}

/** One-shot convenience for whole buffers. */
export function resample(input: Float32Array, fromRate: number, toRate: number): Float32Array {
  return createResampler({ fromRate, toRate }).process(input)
}

/** Blackman-windowed sinc, unity gain at DC; `cutoff` as a fraction of the input rate. */
function lowPassKernel(length: number, cutoff: number): Float32Array {
  const k = new Float32Array(length)
  const m = length - 1
  let sum = 0
  for (let i = 0; i < length; i++) {
    const x = i - m / 2
    const sinc = x === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * x) / (Math.PI * x)
    const w = 0.42 - 0.5 * Math.cos((2 * Math.PI * i) / m) + 0.08 * Math.cos((4 * Math.PI * i) / m)
    k[i] = sinc * w
    sum += k[i]!
  }
  for (let i = 0; i < length; i++) k[i]! /= sum
  return k
}
