import type { Ref } from 'vue'

export type VoiceStatus = 'idle' | 'requesting' | 'listening' | 'transcribing' | 'error'
export type VoiceMode = 'push' | 'handsfree'

/**
 * What the panel needs from the speech layer (plugin/speech/useVoice). The UI only reads these refs and calls
 * start/stop; how audio is captured (inline, recorder window) is the speech layer's business.
 */
export type Voice = {
  isSupported: Readonly<Ref<boolean>>
  status: Readonly<Ref<VoiceStatus>>
  /** Input level 0..1 while listening. */
  level: Readonly<Ref<number>>
  /** Partial + final text of the current utterance. */
  transcript: Readonly<Ref<string>>
  /** True once the final transcript of the utterance has arrived. */
  isFinal: Readonly<Ref<boolean>>
  error: Readonly<Ref<{ message: string; hint?: string } | undefined>>
  start(mode: VoiceMode): void | Promise<void>
  stop(): void | Promise<void>
}
