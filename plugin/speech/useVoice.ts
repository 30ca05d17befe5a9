import { computed, getCurrentScope, onScopeDispose, shallowRef, toValue, type MaybeRefOrGetter, type Ref } from 'vue'
import { PluginError, type PluginErrorInit } from '../src/pluginError.ts'
import { createMicCapture, type MicCapture } from './createMicCapture.ts'
import { createTranscriber, fetchTicket, type Transcriber, type WebSocketCtor } from './createTranscriber.ts'
import { detectMicAccess, micAllowedByPolicy } from './detectMicAccess.ts'
import { openRecorderWindow, type RecorderWindow } from './openRecorderWindow.ts'
import { createSilenceDetector, levelFromRms } from './silence.ts'

export type VoiceStatus = 'idle' | 'requesting' | 'listening' | 'transcribing' | 'error'
export type VoiceMode = 'push' | 'handsfree'

type VoiceState =
  | { type: 'idle'; level?: never; error?: never }
  | { type: 'requesting'; level?: never; error?: never }
  | { type: 'listening'; level: number; error?: never }
  | { type: 'transcribing'; level?: never; error?: never }
  | { type: 'error'; level?: never; error: PluginError }

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

/**
 * Everything useVoice offers, and all the panel may use: it reads the refs and calls the methods. How audio is
 * captured (inline in the frame, or the companion recorder window) stays inside the speech layer.
 */
export type Voice = {
  /** The browser can record here, inline or through the recorder window. */
  isSupported: Readonly<Ref<boolean>>
  /** `requesting` until the microphone is up; `error` until start, retry or cancel. */
  status: Readonly<Ref<VoiceStatus>>
  /** Input level 0..1 while listening, else 0. */
  level: Readonly<Ref<number>>
  /** Partial, then final text of the current utterance. */
  transcript: Readonly<Ref<string>>
  /** True once the final transcript of the utterance has arrived. */
  isFinal: Readonly<Ref<boolean>>
  /** What failed, while `status` is `error`; `retryable` means retry() can transcribe the kept recording again. */
  error: Readonly<Ref<PluginError | undefined>>
  /** Which capture the current utterance uses, once known. */
  via: Readonly<Ref<'inline' | 'recorder' | undefined>>
  /** Starts an utterance; call from the click/key handler (the recorder window needs its user activation). */
  start(mode: VoiceMode): Promise<void>
  /** Ends the utterance; resolves once the final transcript (or an error) is in. */
  stop(): Promise<void>
  /** After a retryable error: transcribes the kept recording again. */
  retry(): Promise<void>
  /** Drops the utterance (microphone, socket, recorder window) and any error; back to idle. */
  cancel(): void
  /** Brings the recorder window back to the front, while one is open. */
  showRecorder(): void
}

/**
 * Voice input for the plugin: inline capture when the editor frame may use the microphone, else the
 * companion recorder window; push-to-talk (start/stop) or hands-free (stops after silence).
 */
export function useVoice(options: UseVoiceOptions): Voice {
  const {
    silenceMs = 1500,
    navigator = globalThis.navigator,
    document = globalThis.document,
    window: win = globalThis.window,
  } = options
  const fetch = options.fetch ?? globalThis.fetch.bind(globalThis)
  const state = shallowRef<VoiceState>({ type: 'idle' })
  let mode: VoiceMode = 'push'
  const via = shallowRef<'inline' | 'recorder' | undefined>()
  const transcript = shallowRef('')
  const isFinal = shallowRef(false)
  let capture: MicCapture | undefined
  let transcriber: Transcriber | undefined
  let recorder: RecorderWindow | undefined
  let stopping: Promise<void> | undefined
  /** Counts starts and cancels, so a start that resolves after a cancel knows it is stale. */
  let attempts = 0

  const fail = (init: PluginErrorInit): void => {
    state.value = { type: 'error', error: new PluginError(init) }
  }
  const ticket = () => fetchTicket({ baseUrl: toValue(options.proxyUrl), proxyKey: toValue(options.proxyKey), fetch })

  function openRecorder() {
    via.value = 'recorder'
    // Nothing records until the window says so: the editor is told to continue there, not "Listening…".
    state.value = { type: 'requesting' }
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
          retryable: false,
        })
      } else state.value = { type: 'idle' }
    })
  }

  async function start(m: VoiceMode) {
    if (state.value.type === 'listening' || state.value.type === 'requesting' || state.value.type === 'transcribing')
      return
    mode = m
    const attempt = ++attempts
    transcript.value = ''
    isFinal.value = false
    state.value = { type: 'requesting' }
    // Known-blocked frames go straight to the window while the click's user activation is fresh.
    if (micAllowedByPolicy(document) === false) return openRecorder()
    const access = await detectMicAccess({ navigator, document })
    // Cancelled while the microphone was being asked for (e.g. a click instead of a hold): let it go again.
    if (attempt !== attempts) {
      if (access.type === 'inline') access.stream.getTracks().forEach((tr) => tr.stop())
      return
    }
    if (access.type === 'blocked') return openRecorder()
    if (access.type === 'unsupported')
      return fail({
        code: 'mic_unsupported',
        message: access.reason,
        retryable: false,
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
          if (mode === 'handsfree' && silence.pushLevel(rmsValue, (pcm.byteLength / 32_000) * 1000).ended) void stop()
        },
      })
      if (attempt !== attempts) {
        void capture.stop()
        capture = undefined
        return
      }
      state.value = { type: 'listening', level: 0 }
    } catch (err) {
      access.stream.getTracks().forEach((tr) => tr.stop())
      t.cancel()
      fail({
        code: 'mic_failed',
        message: `The microphone could not be started (${(err as Error)?.message ?? err}).`,
        cause: err,
        retryable: false,
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
      const e =
        err instanceof PluginError ? err : new PluginError({ code: 'internal', message: String(err), cause: err })
      // Retry replays the kept recording, so it is offered only while there is one.
      const retryable = e.retryable && (transcriber?.keptBytes ?? 0) > 0
      fail({ code: e.code, message: e.message, hint: e.hint, requestId: e.requestId, retryable, cause: e })
    }
  }

  async function retry() {
    const t = transcriber
    if (!t || state.value.type !== 'error' || !state.value.error.retryable) return
    state.value = { type: 'transcribing' }
    await settle(t.retry())
  }

  function cancel() {
    attempts++
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
  const error = computed(() => state.value.error)
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
    via,
    start,
    stop,
    retry,
    cancel,
    showRecorder: () => recorder?.focus(),
  }
}
