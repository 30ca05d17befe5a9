import { randomUUID } from 'node:crypto'
import type http from 'node:http'
import type http2 from 'node:http2'
import { Sha256 } from '@aws-crypto/sha256-js'
import { EventStreamCodec, type Message, type MessageHeaders } from '@smithy/eventstream-codec'
import { SignatureV4 } from '@smithy/signature-v4'
import { fromUtf8, toUtf8 } from '@smithy/util-utf8'
import { listen, type Listening, writeHead } from './listen.ts'
import { splitUrl, verifySigV4, type SimSecret } from './sigv4.ts'

/** What the simulator measured of the audio so far; scripts key their text on it. */
export type AudioSummary = {
  bytes: number
  /** Audio length at the session's sample rate (16-bit mono). */
  durationMs: number
  /** 10 ms windows whose RMS is above -30 dBFS-ish (speech, not silence). */
  voicedMs: number
}

export type TranscribeExceptionType =
  | 'BadRequestException'
  | 'LimitExceededException'
  | 'InternalFailureException'
  | 'ServiceUnavailableException'
  | 'ConflictException'

export type TranscribeFault =
  /** An event-stream exception (`:exception-type`), sent once `afterBytes` of audio arrived (0: at once). */
  | { type: 'exception'; exceptionType: TranscribeExceptionType; message?: string; afterBytes?: number }
  /** A plain HTTP error before any stream, e.g. 403 AccessDeniedException. */
  | { type: 'http'; status: number; errorType: string; message: string }
  /** Reads the audio but never answers: before the response headers, or after them with no events. */
  | { type: 'hang'; when?: 'beforeHeaders' | 'afterHeaders' }

export type SessionPlan = {
  /** Final text; a function sees the audio so far. `|` splits it into segments finalised one after another. */
  phrase?: string | ((audio: AudioSummary) => string)
  /** Below this much non-silent audio nothing is transcribed (the final is empty). @default 100 */
  minVoicedMs?: number
  /** Each this-many ms of received audio reveals one more word as a partial. @default 300 */
  wordEveryMs?: number
  /** With IdentifyLanguage, the language the simulator "detects". @default first of LanguageOptions */
  identifiedLanguage?: string
  fault?: TranscribeFault
}

export type SimSession = {
  id: string
  httpVersion: string
  languageCode: string | undefined
  identifyLanguage: boolean
  languageOptions: string[] | undefined
  sampleRate: number
  mediaEncoding: string | undefined
  vocabularyName: string | undefined
  /** Audio bytes received (all AudioEvents). */
  bytes: number
  frames: number
  audio: AudioSummary
  /** Every request and event signature checked out. */
  signaturesOk: boolean
  /** The client sent the empty signed frame that ends the audio. */
  endedByClient: boolean
  /** The stream closed without that frame (client abort / reset). */
  aborted: boolean
  startedAt: number
  endReceivedAt?: number
  finalSentAt?: number
  closedAt?: number
  /** The partial and final texts sent, in order. */
  sent: Array<{ partial: boolean; text: string }>
  /** Resolves when the HTTP/2 stream is gone, whoever closed it. */
  closed: Promise<void>
}

export type TranscribeSimulator = Listening & {
  sessions: SimSession[]
  /** Plan for the next session only (queued, first in first out). */
  next(plan: SessionPlan): void
  /** Plan for sessions with nothing queued. */
  setDefault(plan: SessionPlan): void
  /** Resolves with the first session matching `predicate`, waiting for it to start if needed. */
  waitForSession(predicate?: (s: SimSession) => boolean, timeoutMs?: number): Promise<SimSession>
}

const REGION_DEFAULT = 'us-east-1'
const SERVICE = 'transcribe'

/** Default text: proves how much audio (and how much non-silence) arrived. */
export const heardDuration = (a: AudioSummary) => `heard ${(a.durationMs / 1000).toFixed(1)} seconds of audio`

/**
 * Loopback Amazon Transcribe streaming (`POST /stream-transcription`, h2c) for the real
 * `@aws-sdk/client-transcribe-streaming`: verifies the request's SigV4 and every chained event signature,
 * reads AudioEvent PCM and answers with scripted partial/final TranscriptEvents or faults.
 */
export async function startTranscribeSimulator({
  secrets,
  region = REGION_DEFAULT,
  plan: defaultPlan = {},
  expiredTokens,
}: {
  secrets: Record<string, SimSecret>
  region?: string
  plan?: SessionPlan
  /** Session tokens answered with ExpiredTokenException. */
  expiredTokens?: Set<string>
}): Promise<TranscribeSimulator> {
  const codec = new EventStreamCodec(toUtf8, fromUtf8)
  const sessions: SimSession[] = []
  const queue: SessionPlan[] = []
  const waiters = new Set<() => void>()
  let fallbackPlan = defaultPlan

  function handler(
    req: http.IncomingMessage | http2.Http2ServerRequest,
    res: http.ServerResponse | http2.Http2ServerResponse,
  ) {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendError(res, 500, 'InternalFailureException', String(err))
      else res.destroy()
    })
  }

  async function handle(
    req: http.IncomingMessage | http2.Http2ServerRequest,
    res: http.ServerResponse | http2.Http2ServerResponse,
  ) {
    const { rawPath, query } = splitUrl(req.url ?? '/')
    if (req.method !== 'POST' || rawPath !== '/stream-transcription') {
      return sendError(res, 404, 'UnknownOperationException', 'Not found')
    }
    const headers = req.headers as Record<string, string | string[] | undefined>
    const auth = await verifySigV4({
      method: 'POST',
      rawPath,
      query,
      headers,
      body: undefined,
      service: SERVICE,
      region,
      secrets,
      ...(expiredTokens ? { expiredTokens } : {}),
    })
    if (!auth.ok) return sendError(res, 403, auth.type, auth.message)
    if (headers['x-amz-content-sha256'] !== 'STREAMING-AWS4-HMAC-SHA256-EVENTS') {
      return sendError(res, 400, 'BadRequestException', 'Expected a signed event stream payload.')
    }
    const plan = queue.shift() ?? fallbackPlan
    const h = (name: string) => {
      const v = headers[name]
      return Array.isArray(v) ? v[0] : v
    }
    let markClosed = () => {}
    const session: SimSession = {
      id: h('x-amzn-transcribe-session-id') ?? randomUUID(),
      httpVersion: req.httpVersion,
      languageCode: h('x-amzn-transcribe-language-code'),
      identifyLanguage: h('x-amzn-transcribe-identify-language') === 'true',
      languageOptions: h('x-amzn-transcribe-language-options')?.split(','),
      sampleRate: Number(h('x-amzn-transcribe-sample-rate') ?? 0),
      mediaEncoding: h('x-amzn-transcribe-media-encoding'),
      vocabularyName: h('x-amzn-transcribe-vocabulary-name') ?? h('x-amzn-transcribe-vocabulary-names'),
      bytes: 0,
      frames: 0,
      audio: { bytes: 0, durationMs: 0, voicedMs: 0 },
      signaturesOk: true,
      endedByClient: false,
      aborted: false,
      startedAt: Date.now(),
      sent: [],
      closed: new Promise<void>((resolve) => (markClosed = resolve)),
    }
    sessions.push(session)
    for (const w of waiters) w()
    const stream = 'stream' in req ? req.stream : undefined
    const onClose = () => {
      if (session.closedAt !== undefined) return
      session.closedAt = Date.now()
      if (!session.endedByClient) session.aborted = true
      markClosed()
      for (const w of waiters) w()
    }
    ;(stream ?? req).once('close', onClose)
    res.once('close', onClose)

    const fault = plan.fault
    if (fault?.type === 'http') return sendError(res, fault.status, fault.errorType, fault.message)
    if (!(session.sampleRate >= 8000 && session.sampleRate <= 48_000) || session.mediaEncoding !== 'pcm') {
      return sendError(res, 400, 'BadRequestException', 'Only pcm at 8000-48000 Hz is simulated.')
    }
    if (!session.languageCode && !session.identifyLanguage) {
      return sendError(res, 400, 'BadRequestException', 'Either LanguageCode or IdentifyLanguage must be set.')
    }
    const detected = session.identifyLanguage ? (plan.identifiedLanguage ?? session.languageOptions?.[0]) : undefined
    const hangBeforeHeaders = fault?.type === 'hang' && fault.when !== 'afterHeaders'
    if (!hangBeforeHeaders) {
      writeHead(res, 200, {
        'content-type': 'application/vnd.amazon.eventstream',
        'x-amzn-request-id': randomUUID(),
        'x-amzn-transcribe-session-id': session.id,
        'x-amzn-transcribe-sample-rate': String(session.sampleRate),
        'x-amzn-transcribe-media-encoding': 'pcm',
        ...(session.languageCode ? { 'x-amzn-transcribe-language-code': session.languageCode } : {}),
        ...(session.identifyLanguage ? { 'x-amzn-transcribe-identify-language': 'true' } : {}),
      })
      if ('flushHeaders' in res) res.flushHeaders()
    }
    const silent = fault?.type === 'hang'
    const signer = new SignatureV4({
      service: SERVICE,
      region,
      sha256: Sha256,
      applyChecksum: false,
      credentials: { accessKeyId: auth.akid, secretAccessKey: secrets[auth.akid]?.secretAccessKey ?? '' },
    })

    const script = scriptFor(plan)
    let priorSignature = auth.signature
    let pending = Buffer.alloc(0)
    let voicedWindows = 0
    let stopped = false
    const write = (msg: Message) => {
      if (!silent && !stopped && !res.writableEnded && !res.destroyed)
        (res as http.ServerResponse).write(codec.encode(msg))
    }
    const emitException = (type: string, message: string) => {
      write({
        headers: {
          ':message-type': str('exception'),
          ':exception-type': str(type),
          ':content-type': str('application/json'),
        },
        body: fromUtf8(JSON.stringify({ Message: message })),
      })
      stopped = true
      res.end()
    }

    for await (const chunk of req as AsyncIterable<Buffer>) {
      pending = Buffer.concat([pending, chunk])
      while (pending.length >= 4) {
        const total = pending.readUInt32BE(0)
        if (pending.length < total) break
        const frame = pending.subarray(0, total)
        pending = pending.subarray(total)
        const outer = codec.decode(frame)
        const date = outer.headers[':date']
        const sig = outer.headers[':chunk-signature']
        if (date?.type !== 'timestamp' || sig?.type !== 'binary') {
          session.signaturesOk = false
          return emitException('BadRequestException', 'Event is missing :date or :chunk-signature.')
        }
        const expected = await signer.sign(
          { message: { headers: { ':date': date }, body: outer.body }, priorSignature },
          { signingDate: new Date(date.value) },
        )
        const got = Buffer.from(sig.value).toString('hex')
        if (expected.signature !== got) {
          session.signaturesOk = false
          return emitException(
            'BadRequestException',
            'The event signature we calculated does not match the signature you provided.',
          )
        }
        priorSignature = got
        if (outer.body.length === 0) {
          session.endedByClient = true
          session.endReceivedAt = Date.now()
          continue
        }
        const inner = codec.decode(outer.body)
        if (inner.headers[':event-type']?.value !== 'AudioEvent') continue
        session.frames++
        session.bytes += inner.body.length
        voicedWindows += countVoicedWindows(inner.body, session.sampleRate)
        session.audio = {
          bytes: session.bytes,
          durationMs: (session.bytes / 2 / session.sampleRate) * 1000,
          voicedMs: voicedWindows * 10,
        }
        if (fault?.type === 'exception' && session.bytes >= (fault.afterBytes ?? 0)) {
          return emitException(fault.exceptionType, fault.message ?? defaultMessage(fault.exceptionType))
        }
        for (const ev of script.onAudio(session.audio)) sendResult(ev)
        for (const w of waiters) w()
      }
      if (session.endedByClient) break
    }
    if (fault?.type === 'exception')
      return emitException(fault.exceptionType, fault.message ?? defaultMessage(fault.exceptionType))
    if (silent) return // hang: keep the stream open until the client gives up
    if (!session.endedByClient) return // aborted: nothing more to say
    for (const ev of script.onEnd(session.audio)) sendResult(ev)
    session.finalSentAt = Date.now()
    res.end()

    function sendResult(ev: ScriptResult) {
      session.sent.push({ partial: ev.partial, text: ev.text })
      const result = {
        ResultId: ev.resultId,
        StartTime: ev.startTime,
        EndTime: ev.endTime,
        IsPartial: ev.partial,
        ChannelId: 'ch_0',
        Alternatives: [{ Transcript: ev.text, Items: [] }],
        ...(detected
          ? { LanguageCode: detected, LanguageIdentification: [{ LanguageCode: detected, Score: 0.98 }] }
          : {}),
      }
      write({
        headers: {
          ':message-type': str('event'),
          ':event-type': str('TranscriptEvent'),
          ':content-type': str('application/json'),
        },
        body: fromUtf8(JSON.stringify({ Transcript: { Results: [result] } })),
      })
    }
  }

  const server = await listen(handler)
  return {
    ...server,
    sessions,
    next: (plan) => void queue.push(plan),
    setDefault: (plan) => void (fallbackPlan = plan),
    waitForSession(predicate = () => true, timeoutMs = 5000) {
      return new Promise<SimSession>((resolve, reject) => {
        const check = () => {
          const found = sessions.find(predicate)
          if (!found) return false
          waiters.delete(check)
          clearTimeout(timer)
          resolve(found)
          return true
        }
        const timer = setTimeout(() => {
          waiters.delete(check)
          reject(new Error(`no matching Transcribe session within ${timeoutMs} ms`))
        }, timeoutMs)
        if (!check()) waiters.add(check)
      })
    },
  }
}

type ScriptResult = { resultId: string; partial: boolean; text: string; startTime: number; endTime: number }

/**
 * Turns a plan into results: partials reveal one word per `wordEveryMs` of audio; a `|` in the phrase ends a
 * segment, which is finalised as soon as its last word is revealed; the rest is finalised when the client ends.
 */
function scriptFor(plan: SessionPlan) {
  const { minVoicedMs = 100, wordEveryMs = 300 } = plan
  const phrase = plan.phrase ?? heardDuration
  const textOf = (a: AudioSummary) =>
    a.voicedMs < minVoicedMs ? '' : typeof phrase === 'function' ? phrase(a) : phrase
  const segmentsOf = (a: AudioSummary) =>
    textOf(a)
      .split('|')
      .map((s) => s.trim().split(/\s+/).filter(Boolean))
  let segment = 0
  let revealed = 0 // words of the current segment already sent
  let resultId = randomUUID()
  let segStart = 0
  const mk = (partial: boolean, words: string[], a: AudioSummary): ScriptResult => ({
    resultId,
    partial,
    text: words.join(' '),
    startTime: segStart,
    endTime: a.durationMs / 1000,
  })
  const nextSegment = (a: AudioSummary) => {
    segment++
    revealed = 0
    resultId = randomUUID()
    segStart = a.durationMs / 1000
  }
  let wordsBudget = 0
  return {
    onAudio(a: AudioSummary): ScriptResult[] {
      const out: ScriptResult[] = []
      const segs = segmentsOf(a)
      const budget = Math.floor(a.durationMs / wordEveryMs)
      while (wordsBudget < budget && segment < segs.length) {
        const words = segs[segment] ?? []
        if (words.length === 0) break
        wordsBudget++
        revealed++
        if (revealed >= words.length && segment < segs.length - 1) {
          out.push(mk(false, words, a))
          nextSegment(a)
        } else if (revealed <= words.length) out.push(mk(true, words.slice(0, revealed), a))
      }
      return out
    },
    onEnd(a: AudioSummary): ScriptResult[] {
      const segs = segmentsOf(a)
      const out: ScriptResult[] = []
      for (; segment < segs.length; nextSegment(a)) {
        const words = segs[segment] ?? []
        if (words.length > 0) out.push(mk(false, words, a))
      }
      return out
    },
  }
}

function countVoicedWindows(pcm: Uint8Array, sampleRate: number): number {
  const window = Math.max(1, Math.round(sampleRate / 100))
  const view = new DataView(pcm.buffer, pcm.byteOffset, pcm.byteLength)
  const samples = Math.floor(pcm.byteLength / 2)
  let voiced = 0
  for (let start = 0; start + window <= samples; start += window) {
    let sum = 0
    for (let i = start; i < start + window; i++) {
      const s = view.getInt16(i * 2, true) / 32768
      sum += s * s
    }
    if (Math.sqrt(sum / window) > 0.01) voiced++
  }
  return voiced
}

function defaultMessage(type: TranscribeExceptionType): string {
  switch (type) {
    case 'BadRequestException':
      return 'A client error occurred when the stream was created. Check the parameters of the request and try your request again.'
    case 'LimitExceededException':
      return 'You have reached your concurrent stream limit. Try your request again later.'
    case 'InternalFailureException':
      return 'A problem occurred while processing the audio. Amazon Transcribe terminated processing.'
    case 'ServiceUnavailableException':
      return 'The service is currently unavailable. Try your request later.'
    case 'ConflictException':
      return 'A new stream started with the same session ID. The current stream has been terminated.'
  }
}

function str(value: string): MessageHeaders[string] {
  return { type: 'string', value }
}

function sendError(
  res: http.ServerResponse | http2.Http2ServerResponse,
  status: number,
  type: string,
  message: string,
) {
  if (res.headersSent) return void res.end()
  writeHead(res, status, {
    'content-type': 'application/json',
    'x-amzn-errortype': type,
    'x-amzn-requestid': randomUUID(),
  })
  res.end(JSON.stringify({ message }))
}
