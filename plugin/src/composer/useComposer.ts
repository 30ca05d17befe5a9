import { computed, shallowRef, watch, type Ref } from 'vue'
import type { Voice } from '../../speech/useVoice.ts'
import { useCountdown, type CountdownOptions } from './useCountdown.ts'

/** What happens when the countdown ends: the request is sent, or a spoken review command runs. */
export type Pending =
  | { type: 'send'; text: string; summary?: never; run?: never }
  | { type: 'command'; summary: string; run: () => void; text?: never }

/** Why the composer explains itself instead of recording or sending. */
export type ComposerHint = 'wrongUse' | 'nothingHeard'

export type ComposerOptions = {
  voice: Voice
  send: (text: string) => void
  /** A spoken utterance that is a command (e.g. "apply all but the second") rather than a request for Claude. */
  interpret?: (spoken: string) => Pending | undefined
  /** Longest request the proxy takes in one turn. */
  maxChars: number
  countdown?: CountdownOptions
  /** A press shorter than this is a click, not a hold. @default 350 */
  holdMinMs?: number
  /** @default Date.now */
  now?: () => number
}

export type Composer = ReturnType<typeof useComposer>

const joined = (base: string, spoken: string) => (base.trim() && spoken ? `${base.trimEnd()} ${spoken}` : base + spoken)

/**
 * The one request box: typing edits it, speech fills it live. Releasing the hold button or the end of a
 * hands-free utterance sends after a short visible countdown that "keep editing" stops.
 */
export function useComposer({
  voice,
  send,
  interpret,
  maxChars,
  countdown: cd,
  holdMinMs = 350,
  now = Date.now,
}: ComposerOptions) {
  const text = shallowRef('')
  const pending: Ref<Pending | undefined> = shallowRef()
  const hint = shallowRef<ComposerHint>()
  const countdown = useCountdown(cd)
  let base = ''
  let pressedAt = 0
  let stopWhenListening = false

  const active = computed(() => ['requesting', 'listening', 'transcribing'].includes(voice.status.value))
  const tooLong = computed(() => text.value.trim().length > maxChars)

  watch(voice.transcript, (spoken) => {
    if (active.value) text.value = joined(base, spoken)
  })
  // A push-to-talk release can come before the microphone is up (permission prompt, slow start): remember it.
  watch(voice.status, (status) => {
    if (status === 'listening' && stopWhenListening) void voice.stop()
    if (status !== 'requesting') stopWhenListening = false
  })
  watch(voice.isFinal, (final) => {
    if (!final) return
    const spoken = voice.transcript.value.trim()
    if (!spoken) {
      text.value = base
      hint.value = 'nothingHeard'
      return
    }
    const command = base.trim() ? undefined : interpret?.(spoken)
    text.value = joined(base, spoken)
    if (command) arm(command)
    else if (!tooLong.value) arm({ type: 'send', text: text.value.trim() })
  })

  function arm(p: Pending) {
    pending.value = p
    countdown.start(confirm)
  }

  function startVoice(mode: 'push' | 'handsfree') {
    keepEditing()
    hint.value = undefined
    base = text.value
    void voice.start(mode)
  }

  function holdStart() {
    if (active.value) return
    pressedAt = now()
    startVoice('push')
  }
  function holdEnd() {
    if (!active.value) return
    // A click on "Hold to talk" is not a recording; the recorder window, once open, records on its own buttons.
    if (now() - pressedAt < holdMinMs && voice.via.value !== 'recorder') {
      voice.cancel()
      text.value = base
      hint.value = 'wrongUse'
      return
    }
    if (voice.status.value === 'requesting') stopWhenListening = true
    else void voice.stop()
  }
  function toggleHandsFree() {
    if (active.value) void voice.stop()
    else startVoice('handsfree')
  }

  /** The typed path: Send or Enter sends at once. */
  function submit() {
    const t = text.value.trim()
    if (!t || tooLong.value) return
    keepEditing()
    send(t)
    text.value = ''
  }
  function confirm() {
    const p = pending.value
    countdown.stop()
    pending.value = undefined
    if (!p) return
    text.value = ''
    if (p.type === 'send') send(p.text)
    else p.run()
  }
  function keepEditing() {
    countdown.stop()
    pending.value = undefined
  }
  function edit(value: string) {
    keepEditing()
    hint.value = undefined
    text.value = value
  }

  return {
    text,
    pending,
    hint,
    remaining: countdown.remaining,
    active,
    tooLong,
    maxChars,
    holdStart,
    holdEnd,
    toggleHandsFree,
    submit,
    confirm,
    keepEditing,
    edit,
  }
}
