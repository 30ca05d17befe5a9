import {
  StartStreamTranscriptionCommand,
  type AudioStream,
  type LanguageCode,
  type StartStreamTranscriptionCommandInput,
  type TranscribeStreamingClient,
} from '@aws-sdk/client-transcribe-streaming'
import type { Transcribe, TranscribeOptions, TranscribeSession, TranscriptEvent } from '../deps.ts'
import { transcribeErrorFromAws } from './transcribeErrors.ts'

/**
 * The Transcribe port over `@aws-sdk/client-transcribe-streaming`. `events` yields the running text as
 * `partial` (stable segments + the current guess) and, when the upstream ends, one `final` with the stable
 * segments joined. Aborting `signal` resets the HTTP/2 stream at once.
 */
export function createTranscribe({
  client,
  region = 'us-east-1',
}: {
  client: TranscribeStreamingClient
  region?: string
}): Transcribe {
  return {
    start(options: TranscribeOptions): TranscribeSession {
      const audio = createAudioQueue(options.signal)
      return { write: audio.push, end: audio.end, events: transcriptEvents(client, region, options, audio.stream) }
    },
  }
}

async function* transcriptEvents(
  client: TranscribeStreamingClient,
  region: string,
  options: TranscribeOptions,
  audio: AsyncIterable<AudioStream>,
): AsyncGenerator<TranscriptEvent> {
  const { signal } = options
  const input: StartStreamTranscriptionCommandInput = {
    MediaEncoding: 'pcm',
    MediaSampleRateHertz: options.sampleRate,
    AudioStream: audio,
    ...(options.identifyLanguage
      ? {
          IdentifyLanguage: true,
          LanguageOptions: (options.languageOptions ?? []).join(','),
          ...(options.languageCode ? { PreferredLanguage: options.languageCode as LanguageCode } : {}),
        }
      : { LanguageCode: (options.languageCode ?? 'en-US') as LanguageCode }),
    ...(options.vocabularyName
      ? options.identifyLanguage
        ? { VocabularyNames: options.vocabularyName }
        : { VocabularyName: options.vocabularyName }
      : {}),
  }
  const stable: string[] = []
  let languageSent = false
  try {
    const output = await client.send(new StartStreamTranscriptionCommand(input), { abortSignal: signal })
    for await (const event of output.TranscriptResultStream ?? []) {
      if (signal.aborted) return
      if (!event.TranscriptEvent) throw exceptionOf(event)
      for (const result of event.TranscriptEvent.Transcript?.Results ?? []) {
        if (!languageSent && result.LanguageCode) {
          languageSent = true
          yield { type: 'language', languageCode: result.LanguageCode }
        }
        const text = result.Alternatives?.[0]?.Transcript?.trim() ?? ''
        if (result.IsPartial) {
          yield { type: 'partial', text: join([...stable, text]) }
        } else if (text) {
          stable.push(text)
          yield { type: 'partial', text: join(stable) }
        }
      }
    }
  } catch (err) {
    if (signal.aborted) return
    throw transcribeErrorFromAws(err, { region })
  }
  if (!signal.aborted) yield { type: 'final', text: join(stable) }
}

const join = (parts: string[]) => parts.filter(Boolean).join(' ')

/** In-stream exceptions arrive as union members; turn them into an error with the AWS name. */
function exceptionOf(event: object): Error {
  for (const [name, value] of Object.entries(event)) {
    if (value && typeof value === 'object') {
      const message =
        (value as { Message?: unknown; message?: unknown }).Message ?? (value as { message?: unknown }).message
      return Object.assign(new Error(typeof message === 'string' ? message : name), { name })
    }
  }
  return Object.assign(new Error('Unknown event from Amazon Transcribe'), { name: 'UnknownEvent' })
}

/** Push-based audio → the pull-based AsyncIterable the SDK signs and sends; ends on `end()` or abort. */
function createAudioQueue(signal: AbortSignal) {
  const chunks: Uint8Array[] = []
  let ended = false
  let wake: (() => void) | undefined
  const notify = () => {
    wake?.()
    wake = undefined
  }
  signal.addEventListener('abort', notify, { once: true })
  async function* stream(): AsyncGenerator<AudioStream> {
    for (;;) {
      const chunk = chunks.shift()
      if (chunk) {
        yield { AudioEvent: { AudioChunk: chunk } }
        continue
      }
      if (ended || signal.aborted) return
      await new Promise<void>((resolve) => (wake = resolve))
    }
  }
  return {
    stream: stream(),
    push(chunk: Uint8Array) {
      if (ended || signal.aborted || chunk.byteLength === 0) return
      chunks.push(chunk)
      notify()
    },
    end() {
      ended = true
      notify()
    },
  }
}
