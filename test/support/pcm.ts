/**
 * Speech-like 16 kHz 16-bit LE mono PCM for tests: a vowel-ish tone whose loudness pulses like syllables,
 * with optional leading/trailing silence, so energy-keyed simulator scripts can tell voice from silence.
 */
export function speechLikePcm({
  seconds,
  rate = 16_000,
  amplitude = 0.3,
  leadingSilence = 0,
  trailingSilence = 0,
}: {
  seconds: number
  rate?: number
  amplitude?: number
  leadingSilence?: number
  trailingSilence?: number
}): Uint8Array {
  const total = Math.round((leadingSilence + seconds + trailingSilence) * rate)
  const start = Math.round(leadingSilence * rate)
  const end = start + Math.round(seconds * rate)
  const out = new Uint8Array(total * 2)
  const view = new DataView(out.buffer)
  for (let i = start; i < end; i++) {
    const t = (i - start) / rate
    const envelope = 0.6 + 0.4 * Math.sin(2 * Math.PI * 4 * t) // ~4 syllables per second
    const s = amplitude * envelope * (0.7 * Math.sin(2 * Math.PI * 180 * t) + 0.3 * Math.sin(2 * Math.PI * 720 * t))
    view.setInt16(i * 2, Math.round(s * 32767), true)
  }
  return out
}

/** Silence of the given length (bytes of 16 kHz PCM). */
export const silencePcm = (seconds: number, rate = 16_000) => new Uint8Array(Math.round(seconds * rate) * 2)
