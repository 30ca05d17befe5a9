/** Input level and end-of-speech detection for hands-free mode. */

export function rms(samples: Float32Array): number {
  if (samples.length === 0) return 0
  let sum = 0
  for (let i = 0; i < samples.length; i++) sum += samples[i]! * samples[i]!
  return Math.sqrt(sum / samples.length)
}

/** RMS → 0..1 for a level meter, on a dB scale from `floorDb` (silence) to 0 dBFS. */
export function levelFromRms(value: number, floorDb = -60): number {
  if (value <= 0) return 0
  const db = 20 * Math.log10(value)
  return Math.max(0, Math.min(1, 1 - db / floorDb))
}

export type SilenceOptions = {
  sampleRate: number
  /** RMS below this counts as silence. @default 0.015 */
  threshold?: number
  /** Silence this long after speech ends the utterance. @default 1500 */
  holdMs?: number
  /** Speech must last this long to count (ignores clicks). @default 100 */
  minSpeechMs?: number
}

export type SilenceState = {
  level: number
  silent: boolean
  speechMs: number
  silenceMs: number
  /** Speech was heard and has been followed by `holdMs` of silence. */
  ended: boolean
}

export type SilenceDetector = {
  push(samples: Float32Array): SilenceState
  /** Same, when only the RMS of a block of `ms` milliseconds is known (the capture worklet reports that). */
  pushLevel(rmsValue: number, ms: number): SilenceState
  reset(): void
}

export function createSilenceDetector({
  sampleRate,
  threshold = 0.015,
  holdMs = 1500,
  minSpeechMs = 100,
}: SilenceOptions): SilenceDetector {
  let speechMs = 0
  let silenceMs = 0
  const detector: SilenceDetector = {
    push(samples) {
      return detector.pushLevel(rms(samples), (samples.length / sampleRate) * 1000)
    },
    pushLevel(value, ms) {
      const silent = value < threshold
      if (silent) silenceMs += ms
      else {
        speechMs += ms
        silenceMs = 0
      }
      return {
        level: levelFromRms(value),
        silent,
        speechMs,
        silenceMs,
        ended: speechMs >= minSpeechMs && silenceMs >= holdMs,
      }
    },
    reset() {
      speechMs = 0
      silenceMs = 0
    },
  }
  return detector
}
