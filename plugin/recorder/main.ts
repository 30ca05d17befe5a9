/**
 * The companion recorder window (GET /recorder on the proxy), for editors whose plugin iframe may not use the
 * microphone: a top-level page on the proxy's origin that records with the plugin's own speech code
 * (createMicCapture, createTranscriber), gets its tickets from the opener, and posts the transcript back to it.
 * It never calls createFieldPlugin and never sees the proxy key.
 */
import { toPluginError } from '../src/pluginError.ts'
import { createMicCapture, type MicCapture } from '../speech/createMicCapture.ts'
import { createTranscriber, type Transcriber } from '../speech/createTranscriber.ts'
import { levelFromRms } from '../speech/silence.ts'
import { connectOpener } from './connectOpener.ts'
import { readSettings } from './readSettings.ts'

function element<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id)
  if (!el) throw new Error(`recorder.html has no #${id}`)
  return el as T
}

const ui = {
  status: element('status'),
  text: element('text'),
  error: element('error'),
  meter: element('meter').firstElementChild as HTMLElement,
  record: element<HTMLButtonElement>('record'),
  stop: element<HTMLButtonElement>('stop'),
  retry: element<HTMLButtonElement>('retry'),
  cancel: element<HTMLButtonElement>('cancel'),
}
const showStatus = (text: string) => (ui.status.textContent = text)
function showError(message: string, hint?: string, canRetry = false) {
  ui.error.hidden = false
  ui.error.textContent = hint ? `${message} ${hint}` : message
  ui.retry.hidden = !canRetry
}
function clearError() {
  ui.error.hidden = true
  ui.retry.hidden = true
}

const settings = readSettings(document)
const opener = window.opener as Window | null
if (!settings) {
  showError('This recorder can only be opened from the Storyblok Voice Assistant plugin.')
  ui.record.disabled = true
} else if (!opener) {
  showError('This window lost its connection to the plugin.', 'Close it and use the plugin again, or type your prompt.')
  ui.record.disabled = true
} else {
  run(connectOpener({ opener, origin: settings.origin, sid: settings.sid }), settings.lang)
}

function run(link: ReturnType<typeof connectOpener>, lang: string) {
  let capture: MicCapture | undefined
  let transcriber: Transcriber | undefined
  let done = false

  function release() {
    void capture?.stop()
    capture = undefined
  }

  function finish(text: string) {
    done = true
    link.post({ type: 'final', text })
    showStatus(text ? 'Sent to the plugin. You can close this window.' : 'Nothing was heard. Try again.')
    ui.record.disabled = false
    if (text) setTimeout(() => window.close(), 600)
  }

  async function settle(final: Promise<string>) {
    try {
      finish(await final)
    } catch (err) {
      const e = toPluginError(err)
      // Retry replays the kept recording, so it is offered only while there is one.
      showError(e.message, e.hint, e.retryable && (transcriber?.keptBytes ?? 0) > 0)
      showStatus('Something went wrong.')
      ui.record.disabled = false
    }
  }

  async function record() {
    clearError()
    done = false
    transcriber?.cancel()
    ui.text.textContent = ''
    ui.record.disabled = true
    showStatus('Asking for the microphone…')
    let stream: MediaStream
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true },
      })
    } catch (err) {
      ui.record.disabled = false
      showStatus('')
      const name = (err as { name?: unknown } | null)?.name
      if (name === 'NotAllowedError' || name === 'SecurityError')
        showError(
          'The microphone was blocked.',
          'Allow the microphone for this window in the browser, or type your prompt in the plugin.',
        )
      else showError((err as Error)?.message ?? String(err))
      return
    }
    // The same streaming as inside the plugin: frames go out as recorded and stay kept until the transcript exists.
    const t = createTranscriber({
      baseUrl: location.origin,
      getTicket: link.ticket,
      ...(lang ? { language: lang } : {}),
      onPartial: (text) => {
        ui.text.textContent = text
        link.post({ type: 'partial', text })
      },
    })
    transcriber = t
    try {
      capture = await createMicCapture({
        stream,
        onFrame(pcm, rms) {
          t.push(pcm)
          ui.meter.style.width = `${Math.round(levelFromRms(rms) * 100)}%`
        },
      })
    } catch (err) {
      stream.getTracks().forEach((track) => track.stop())
      t.cancel()
      ui.record.disabled = false
      showStatus('')
      showError(`The microphone could not be started (${toPluginError(err).message}).`)
      return
    }
    ui.stop.disabled = false
    showStatus('Listening… press Stop when you are done.')
    link.post({ type: 'state', state: 'listening' })
  }

  async function stop() {
    const c = capture
    if (!c || !transcriber) return
    ui.stop.disabled = true
    capture = undefined
    await c.stop()
    ui.meter.style.width = '0%'
    showStatus('Transcribing…')
    link.post({ type: 'state', state: 'transcribing' })
    await settle(transcriber.finish())
  }

  async function retry() {
    if (!transcriber) return
    clearError()
    ui.record.disabled = true
    showStatus('Retrying with your recording…')
    await settle(transcriber.retry())
  }

  ui.record.addEventListener('click', () => void record())
  ui.stop.addEventListener('click', () => void stop())
  ui.retry.addEventListener('click', () => void retry())
  ui.cancel.addEventListener('click', () => {
    link.post({ type: 'cancel' })
    release()
    transcriber?.cancel()
    window.close()
  })
  window.addEventListener('beforeunload', () => {
    if (!done) link.post({ type: 'cancel' })
  })
  link.post({ type: 'ready' })
}
