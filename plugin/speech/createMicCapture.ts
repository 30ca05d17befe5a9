import { CAPTURE_PROCESSOR_NAME, captureWorkletUrl, type CaptureFrame } from './captureWorklet.ts'
import { downmix, pcm16FromFloat } from './pcm.ts'
import { createResampler } from './resample.ts'
import { rms } from './silence.ts'

export type MicCaptureOptions = {
  /** 16 kHz Int16 LE mono frames of about `frameMs`, with their RMS (0..1) for level meters and silence detection. */
  onFrame: (pcm: Uint8Array, rms: number) => void
  /** A stream from an earlier getUserMedia (e.g. detectMicAccess), so the user is asked only once. */
  stream?: MediaStream
  /** @default 100 */
  frameMs?: number
  /** @default globalThis.navigator */
  navigator?: Pick<Navigator, 'mediaDevices'>
  /** @default globalThis.AudioContext */
  AudioContext?: typeof AudioContext
  /** @default globalThis.AudioWorkletNode */
  AudioWorkletNode?: typeof AudioWorkletNode
}

export type MicCapture = {
  readonly contextRate: number
  readonly via: 'worklet' | 'script-processor'
  /** Flushes the last partial frame, then releases the microphone and the audio graph. */
  stop(): Promise<void>
}

const TARGET_RATE = 16_000

/**
 * getUserMedia → AudioContext (16 kHz when the browser allows it; else the worklet resamples) →
 * AudioWorklet from a Blob URL → gain 0 → destination (keeps the graph pulling). ScriptProcessorNode when
 * addModule fails (old Safari, CSP without blob:).
 */
export async function createMicCapture(options: MicCaptureOptions): Promise<MicCapture> {
  const {
    onFrame,
    frameMs = 100,
    navigator = globalThis.navigator,
    AudioContext: Ctx = globalThis.AudioContext,
    AudioWorkletNode: WorkletNode = globalThis.AudioWorkletNode,
  } = options
  const stream =
    options.stream ??
    (await navigator.mediaDevices.getUserMedia({
      audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true },
    }))
  const stopTracks = () => stream.getTracks().forEach((t) => t.stop())
  let ctx: AudioContext | undefined
  try {
    let source: MediaStreamAudioSourceNode
    try {
      ctx = new Ctx({ sampleRate: TARGET_RATE })
      source = ctx.createMediaStreamSource(stream)
    } catch {
      // Firefox refuses to connect a device stream to a context at another rate: use the device rate.
      void ctx?.close()
      ctx = new Ctx()
      source = ctx.createMediaStreamSource(stream)
    }
    const context = ctx
    const mute = context.createGain()
    mute.gain.value = 0
    mute.connect(context.destination)

    let node: AudioNode
    let via: MicCapture['via'] = 'worklet'
    let flush: () => Promise<void>
    try {
      const url = captureWorkletUrl()
      try {
        await context.audioWorklet.addModule(url)
      } finally {
        URL.revokeObjectURL(url)
      }
      const worklet = new WorkletNode(context, CAPTURE_PROCESSOR_NAME, {
        processorOptions: { targetRate: TARGET_RATE, frameMs },
      })
      let lastFrame: (() => void) | undefined
      worklet.port.onmessage = (e: MessageEvent<CaptureFrame>) => {
        onFrame(new Uint8Array(e.data.pcm), e.data.rms)
        lastFrame?.()
      }
      flush = () =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 100)
          lastFrame = () => {
            clearTimeout(timer)
            resolve()
          }
          worklet.port.postMessage('stop')
        })
      node = worklet
    } catch {
      via = 'script-processor'
      const proc = context.createScriptProcessor(4096, 1, 1)
      const resampler = createResampler({ fromRate: context.sampleRate, toRate: TARGET_RATE })
      const frameSamples = (TARGET_RATE * frameMs) / 1000
      let pending = new Float32Array(0)
      const emit = (samples: Float32Array) => onFrame(pcm16FromFloat(samples), rms(samples))
      proc.onaudioprocess = (e) => {
        const chans = Array.from({ length: e.inputBuffer.numberOfChannels }, (_, i) => e.inputBuffer.getChannelData(i))
        const out = resampler.process(downmix(chans))
        const joined = new Float32Array(pending.length + out.length)
        joined.set(pending)
        joined.set(out, pending.length)
        let i = 0
        for (; i + frameSamples <= joined.length; i += frameSamples) emit(joined.slice(i, i + frameSamples))
        pending = joined.slice(i)
      }
      flush = async () => {
        if (pending.length) emit(pending)
        pending = new Float32Array(0)
      }
      node = proc
    }
    source.connect(node)
    node.connect(mute)
    await context.resume()
    return {
      contextRate: context.sampleRate,
      via,
      async stop() {
        await flush()
        source.disconnect()
        node.disconnect()
        stopTracks()
        await context.close()
      },
    }
  } catch (err) {
    stopTracks()
    void ctx?.close()
    throw err
  }
}
