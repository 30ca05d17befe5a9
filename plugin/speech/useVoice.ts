import { computed, getCurrentScope, onScopeDispose, shallowRef, toValue, type MaybeRefOrGetter, type Ref } from 'vue'
import type { Voice, VoiceMode } from '../src/voice.ts'
import { createMicCapture, type MicCapture } from './createMicCapture.ts'
import {
  createTranscriber,
  fetchTicket,
  isTranscriberError,
  type Transcriber,
  type WebSocketCtor,
} from './createTranscriber.ts'
import { detectMicAccess, micAllowedByPolicy } from './detectMicAccess.ts'
import { openRecorderWindow, type RecorderWindow } from './openRecorderWindow.ts'
import { createSilenceDetector, levelFromRms } from './silence.ts'

export type VoiceError = {
  code: string
  message: string
  hint?: string
  /** `retry()` can transcribe the kept recording again. */
  canRetry: boolean
  /** What the UI should offer instead. */
  fallback?: 'recorder' | 'typing'
}

export type VoiceState =
  | { type: 'idle'; level?: never; error?: never }
  | { type: 'requesting'; level?: never; error?: never }
  | { type: 'listening'; level: number; error?: never }
  | { type: 'transcribing'; level?: never; error?: never }
  | { type: 'error'; level?: never; error: VoiceError }

export type UseVoiceOptions = {
  proxyUrl: MaybeRefOrGetter<string>
  proxyKey: MaybeRefOrGetter<string | undefined>
  /** Editor UI/story language; mapped to a Transcribe code by the proxy. */
  language?: MaybeRefOrGetter<string | undefined>
  /** Hands-free: stop after this much silence following speech. @default 1500 */
  silenceMs?: number
  /** @default globalThis.navigator */
  navigator?: Pick<Navigator, 'mediaDevices'>
  /** @default globalThis.document */
  document?: unknown
  /** @default globalThis.window */
  window?: Parameters<typeof openRecorderWindow>[0]['window']
  /** @default globalThis.fetch */
  fetch?: typeof globalThis.fetch
  /** @default globalThis.WebSocket */
  WebSocket?: WebSocketCtor
  AudioContext?: typeof AudioContext
  AudioWorkletNode?: typeof AudioWorkletNode
}

export type UseVoice = Voice & {
  state: Readonly<Ref<VoiceState>>
  mode: Readonly<Ref<VoiceMode>>
  /** 'inline' once the iframe may record, 'recorder' when the companion window is used. */
  via: Readonly<Ref<'inline' | 'recorder' | undefined>>
  retry(): Promise<void>
  /** Opens the companion window; call from a click. */
  openRecorder(): void
  cancel(): void
}

/**
 * Voice input for the plugin: inline capture when the editor frame may use the microphone, else the
 * companion recorder window; push-to-talk (start/stop) or hands-free (stops after silence).
 */
export function useVoice(options: UseVoiceOptions): UseVoice {
  const {
    silenceMs = 1500,
    navigator = globalThis.navigator,
    document = globalThis.document,
    window: win = globalThis.window,
  } = options
  const fetch = options.fetch ?? globalThis.fetch.bind(globalThis)
  const state = shallowRef<VoiceState>({ type: 'idle' })
  const mode = shallowRef<VoiceMode>('push')
  const via = shallowRef<'inline' | 'recorder' | undefined>()
  const transcript = shallowRef('')
  const isFinal = shallowRef(false)
  let capture: MicCapture | undefined
  let transcriber: Transcriber | undefined
  let recorder: RecorderWindow | undefined
  let stopping: Promise<void> | undefined

  const fail = (error: VoiceError): void => {
    state.value = { type: 'error', error }
  }
  const ticket = () => fetchTicket({ baseUrl: toValue(options.proxyUrl), proxyKey: toValue(options.proxyKey), fetch })

  function openRecorder() {
    via.value = 'recorder'
    state.value = { type: 'listening', level: 0 }
    const language = toValue(options.language)
    recorder = openRecorderWindow({
      proxyUrl: toValue(options.proxyUrl),
      getTicket: ticket,
      ...(language ? { language } : {}),
      ...(win ? { window: win } : {}),
      onPartial: (t) => (transcript.value = t),
      onState: (s) =>
        (state.value =
          s === 'listening'
            ? { type: 'listening', level: 0 }
            : s === 'transcribing'
              ? { type: 'transcribing' }
              : { type: 'idle' }),
    })
    void recorder.result.then((r) => {
      recorder = undefined
      if (r.type === 'final') {
        transcript.value = r.text
        isFinal.value = true
        state.value = { type: 'idle' }
      } else if (r.type === 'popup-blocked') {
        fail({
          code: 'popup_blocked',
          message: 'The editor does not let the plugin use the microphone, and the recorder window was blocked.',
          hint: 'Allow popups for this site and try again, or type your prompt.',
          canRetry: false,
          fallback: 'typing',
        })
      } else state.value = { type: 'idle' }
    })
  }

  async function start(m: VoiceMode) {
    if (state.value.type === 'listening' || state.value.type === 'requesting' || state.value.type === 'transcribing')
      return
    mode.value = m
    transcript.value = ''
    isFinal.value = false
    state.value = { type: 'requesting' }
    // Known-blocked frames go straight to the window while the click's user activation is fresh.
    if (micAllowedByPolicy(document) === false) return openRecorder()
    const access = await detectMicAccess({ navigator, document })
    if (access.type === 'blocked') return openRecorder()
    if (access.type === 'unsupported')
      return fail({
        code: 'mic_unsupported',
        message: access.reason,
        hint: 'Type your prompt instead.',
        canRetry: false,
        fallback: 'typing',
      })
    via.value = 'inline'
    const language = toValue(options.language)
    const t = createTranscriber({
      baseUrl: toValue(options.proxyUrl),
      proxyKey: toValue(options.proxyKey),
      ...(language ? { language } : {}),
      fetch,
      ...(options.WebSocket ? { WebSocket: options.WebSocket } : {}),
      onPartial: (text) => (transcript.value = text),
    })
    transcriber = t
    const silence = createSilenceDetector({ sampleRate: 16_000, holdMs: silenceMs })
    try {
      capture = await createMicCapture({
        stream: access.stream,
        navigator,
        ...(options.AudioContext ? { AudioContext: options.AudioContext } : {}),
        ...(options.AudioWorkletNode ? { AudioWorkletNode: options.AudioWorkletNode } : {}),
        onFrame(pcm, rmsValue) {
          t.push(pcm)
          if (state.value.type === 'listening') state.value = { type: 'listening', level: levelFromRms(rmsValue) }
          if (mode.value === 'handsfree' && silence.pushLevel(rmsValue, (pcm.byteLength / 32_000) * 1000).ended)
            void stop()
        },
      })
      state.value = { type: 'listening', level: 0 }
    } catch (err) {
      access.stream.getTracks().forEach((tr) => tr.stop())
      t.cancel()
      fail({
        code: 'mic_failed',
        message: `The microphone could not be started (${(err as Error)?.message ?? err}).`,
        hint: 'Try again, or type your prompt.',
        canRetry: false,
        fallback: 'typing',
      })
    }
  }

  function stop(): Promise<void> {
    if (!capture || !transcriber) return Promise.resolve()
    stopping ??= (async () => {
      const c = capture!
      const t = transcriber!
      capture = undefined
      await c.stop()
      state.value = { type: 'transcribing' }
      await settle(t.finish())
    })().finally(() => (stopping = undefined))
    return stopping
  }

  async function settle(final: Promise<string>) {
    try {
      transcript.value = await final
      isFinal.value = true
      transcriber = undefined
      state.value = { type: 'idle' }
    } catch (err) {
      const e = isTranscriberError(err) ? err : { code: 'internal', message: String(err), retryable: true }
      fail({
        code: e.code,
        message: e.message,
        ...(e.hint ? { hint: e.hint } : {}),
        canRetry: e.retryable && (transcriber?.keptBytes ?? 0) > 0,
        fallback: 'typing',
      })
    }
  }

  async function retry() {
    const t = transcriber
    if (!t || state.value.type !== 'error' || !state.value.error.canRetry) return
    state.value = { type: 'transcribing' }
    await settle(t.retry())
  }

  function cancel() {
    void capture?.stop()
    capture = undefined
    transcriber?.cancel()
    transcriber = undefined
    recorder?.close()
    state.value = { type: 'idle' }
  }

  if (getCurrentScope()) onScopeDispose(cancel)

  const status = computed(() => state.value.type)
  const level = computed(() => (state.value.type === 'listening' ? state.value.level : 0))
  const error = computed(() =>
    state.value.type === 'error'
      ? { message: state.value.error.message, ...(state.value.error.hint ? { hint: state.value.error.hint } : {}) }
      : undefined,
  )
  const isSupported = computed(
    () => typeof navigator?.mediaDevices?.getUserMedia === 'function' || typeof win?.open === 'function',
  )
  return {
    isSupported,
    status,
    level,
    transcript,
    isFinal,
    error,
    start,
    stop,
    state,
    mode,
    via,
    retry,
    openRecorder,
    cancel,
  }
}
