/** Transcribe's `pcm` encoding: signed 16-bit little-endian, mono. */

/** Averages channels into one; a single channel is returned as is. */
export function downmix(channels: readonly Float32Array[]): Float32Array {
  const first = channels[0]
  if (!first) return new Float32Array(0)
  if (channels.length === 1) return first
  const out = new Float32Array(first.length)
  for (const ch of channels) for (let i = 0; i < out.length; i++) out[i]! += (ch[i] ?? 0) / channels.length
  return out
}

/** Float [-1, 1] → Int16, clamped; asymmetric scale so -1 → -32768 and 1 → 32767. */
export function floatToInt16(samples: Float32Array): Int16Array {
  const out = new Int16Array(samples.length)
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i] ?? 0))
    out[i] = Math.round(s < 0 ? s * 0x8000 : s * 0x7fff)
  }
  return out
}

/** Explicitly little-endian bytes (a typed array's own byte order is the host's). */
export function int16ToBytesLE(samples: Int16Array): Uint8Array {
  const out = new Uint8Array(samples.length * 2)
  const view = new DataView(out.buffer)
  for (let i = 0; i < samples.length; i++) view.setInt16(i * 2, samples[i] ?? 0, true)
  return out
}

export function bytesLEToInt16(bytes: Uint8Array): Int16Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const out = new Int16Array(Math.floor(bytes.byteLength / 2))
  for (let i = 0; i < out.length; i++) out[i] = view.getInt16(i * 2, true)
  return out
}

export function int16ToFloat(samples: Int16Array): Float32Array {
  const out = new Float32Array(samples.length)
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i] ?? 0
    out[i] = s < 0 ? s / 0x8000 : s / 0x7fff
  }
  return out
}

/** Float samples → the bytes Transcribe expects. */
export function pcm16FromFloat(samples: Float32Array): Uint8Array {
  return int16ToBytesLE(floatToInt16(samples))
}

/** Milliseconds of audio in `bytes` of 16-bit mono PCM at `sampleRate`. */
export function pcmDurationMs(bytes: number, sampleRate = 16_000): number {
  return (bytes / 2 / sampleRate) * 1000
}
