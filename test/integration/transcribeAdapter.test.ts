import { Transform, type Readable } from 'node:stream'
import { TranscribeStreamingClient } from '@aws-sdk/client-transcribe-streaming'
import { EventStreamCodec } from '@smithy/eventstream-codec'
import { NodeHttp2Handler } from '@smithy/node-http-handler'
import { fromUtf8, toUtf8 } from '@smithy/util-utf8'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppError } from '../../proxy/http/appError.ts'
import { createTranscribe } from '../../proxy/adapters/transcribe.ts'
import type { TranscriptEvent } from '../../proxy/deps.ts'
import { startTranscribeSimulator, type TranscribeSimulator } from '../../dev/simulators/transcribe.ts'
import { isolateAwsEnv, TEST_AWS } from '../../dev/awsEnv.ts'
import { speechLikePcm } from '../support/pcm.ts'

const restoreEnv = isolateAwsEnv()
/** A non-NoOp logger keeps the SDK from printing its streaming-retry warning to the console. */
const quiet = { debug() {}, info() {}, warn() {}, error() {} }
let sim: TranscribeSimulator
let client: TranscribeStreamingClient

beforeAll(async () => {
  sim = await startTranscribeSimulator({
    secrets: {
      [TEST_AWS.accessKeyId]: { secretAccessKey: TEST_AWS.secretAccessKey },
      ASIATESTSESSION00001: { secretAccessKey: 'session-secret', sessionToken: 'expired-session-token' },
    },
    expiredTokens: new Set(['expired-session-token']),
  })
  client = new TranscribeStreamingClient({
    region: TEST_AWS.region,
    endpoint: sim.url,
    maxAttempts: 1,
    credentials: { accessKeyId: TEST_AWS.accessKeyId, secretAccessKey: TEST_AWS.secretAccessKey },
    logger: quiet,
  })
})
afterAll(async () => {
  client?.destroy()
  await sim?.close()
  restoreEnv()
})

async function collect(events: AsyncIterable<TranscriptEvent>) {
  const out: TranscriptEvent[] = []
  for await (const e of events) out.push(e)
  return out
}

describe('createTranscribe → real SDK → simulator', () => {
  it('streams partials and one final keyed on the audio that arrived', async () => {
    const transcribe = createTranscribe({ client })
    const ac = new AbortController()
    const session = transcribe.start({
      languageCode: 'de-DE',
      sampleRate: 16_000,
      vocabularyName: 'brand-terms',
      signal: ac.signal,
    })
    const done = collect(session.events)
    const pcm = speechLikePcm({ seconds: 1.5 })
    for (let i = 0; i < pcm.length; i += 3200) session.write(pcm.subarray(i, i + 3200))
    session.end()
    const events = await done
    expect(events.at(-1)).toEqual({ type: 'final', text: 'heard 1.5 seconds of audio' })
    expect(events.filter((e) => e.type === 'partial').length).toBeGreaterThan(1)
    const s = sim.sessions.at(-1)!
    expect(s).toMatchObject({
      languageCode: 'de-DE',
      sampleRate: 16_000,
      vocabularyName: 'brand-terms',
      bytes: pcm.length,
      signaturesOk: true,
      endedByClient: true,
      httpVersion: '2.0',
    })
  })

  it('joins stable segments into the final and shows the running text in partials', async () => {
    sim.next({ phrase: 'write a hero | headline for autumn', wordEveryMs: 200 })
    const session = createTranscribe({ client }).start({
      languageCode: 'en-US',
      sampleRate: 16_000,
      signal: new AbortController().signal,
    })
    const done = collect(session.events)
    const pcm = speechLikePcm({ seconds: 1.6 })
    for (let i = 0; i < pcm.length; i += 3200) session.write(pcm.subarray(i, i + 3200))
    session.end()
    const events = await done
    expect(events.at(-1)).toEqual({ type: 'final', text: 'write a hero headline for autumn' })
    expect(events).toContainEqual({ type: 'partial', text: 'write a hero headline' })
  })

  it('finalises nothing from silence', async () => {
    sim.next({ phrase: 'should not appear' })
    const session = createTranscribe({ client }).start({
      languageCode: 'en-US',
      sampleRate: 16_000,
      signal: new AbortController().signal,
    })
    const done = collect(session.events)
    session.write(new Uint8Array(32_000))
    session.end()
    expect((await done).at(-1)).toEqual({ type: 'final', text: '' })
  })

  it('asks for language identification among the options and reports the detected language', async () => {
    sim.next({ phrase: 'hallo welt', identifiedLanguage: 'de-DE' })
    const session = createTranscribe({ client }).start({
      identifyLanguage: true,
      languageOptions: ['en-US', 'de-DE'],
      sampleRate: 16_000,
      signal: new AbortController().signal,
    })
    const done = collect(session.events)
    session.write(speechLikePcm({ seconds: 0.7 }))
    session.end()
    const events = await done
    expect(events).toContainEqual({ type: 'language', languageCode: 'de-DE' })
    expect(sim.sessions.at(-1)).toMatchObject({
      identifyLanguage: true,
      languageOptions: ['en-US', 'de-DE'],
      languageCode: undefined,
    })
  })

  it('resets the upstream stream at once when the signal aborts', async () => {
    const ac = new AbortController()
    const session = createTranscribe({ client }).start({ languageCode: 'en-US', sampleRate: 16_000, signal: ac.signal })
    const done = collect(session.events)
    session.write(speechLikePcm({ seconds: 0.5 }))
    const s = await sim.waitForSession((x) => x.bytes >= 16_000 && !x.closedAt)
    ac.abort()
    await s.closed
    expect(s).toMatchObject({ aborted: true, endedByClient: false })
    expect(await done).not.toContainEqual(expect.objectContaining({ type: 'final' }))
  })

  it.each([
    [{ type: 'exception', exceptionType: 'BadRequestException', afterBytes: 6400 }, 'transcribe_bad_request'],
    [{ type: 'exception', exceptionType: 'LimitExceededException' }, 'transcribe_limit_exceeded'],
    [{ type: 'exception', exceptionType: 'InternalFailureException', afterBytes: 3200 }, 'transcribe_unavailable'],
    [{ type: 'exception', exceptionType: 'ServiceUnavailableException' }, 'transcribe_unavailable'],
    [
      {
        type: 'http',
        status: 403,
        errorType: 'AccessDeniedException',
        message: 'User is not authorized to perform: transcribe:StartStreamTranscription',
      },
      'transcribe_access_denied',
    ],
  ] as const)('maps the fault %o to %s', async (fault, code) => {
    sim.next({ fault })
    const session = createTranscribe({ client }).start({
      languageCode: 'en-US',
      sampleRate: 16_000,
      signal: new AbortController().signal,
    })
    const done = collect(session.events)
    const pcm = speechLikePcm({ seconds: 1 })
    for (let i = 0; i < pcm.length; i += 3200) session.write(pcm.subarray(i, i + 3200))
    session.end()
    const err = await done.then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(AppError)
    expect(err).toMatchObject({ code: code })
    expect((err as AppError).hint).toBeTruthy()
  })

  it.each([
    [{ accessKeyId: TEST_AWS.accessKeyId, secretAccessKey: 'wrong-secret' }, 'aws_signature_mismatch'],
    [{ accessKeyId: 'AKIDUNKNOWN000000000', secretAccessKey: TEST_AWS.secretAccessKey }, 'aws_credentials_invalid'],
    [
      { accessKeyId: 'ASIATESTSESSION00001', secretAccessKey: 'session-secret', sessionToken: 'expired-session-token' },
      'aws_credentials_expired',
    ],
  ])('maps rejected credentials %o to %s', async (credentials, code) => {
    const bad = new TranscribeStreamingClient({
      region: TEST_AWS.region,
      endpoint: sim.url,
      maxAttempts: 1,
      credentials,
      logger: quiet,
    })
    try {
      const session = createTranscribe({ client: bad }).start({
        languageCode: 'en-US',
        sampleRate: 16_000,
        signal: new AbortController().signal,
      })
      const done = collect(session.events)
      session.write(speechLikePcm({ seconds: 0.2 }))
      session.end()
      await expect(done).rejects.toMatchObject({ code })
    } finally {
      bad.destroy()
    }
  })

  it('says credentials are missing when the default chain finds none', async () => {
    const none = new TranscribeStreamingClient({
      region: TEST_AWS.region,
      endpoint: sim.url,
      maxAttempts: 1,
      logger: quiet,
    })
    try {
      const session = createTranscribe({ client: none }).start({
        languageCode: 'en-US',
        sampleRate: 16_000,
        signal: new AbortController().signal,
      })
      const done = collect(session.events)
      session.end()
      await expect(done).rejects.toMatchObject({ code: 'aws_credentials_missing' })
    } finally {
      none.destroy()
    }
  })

  it('rejects an audio event whose chained signature does not match (the simulator checks every event)', async () => {
    const codec = new EventStreamCodec(toUtf8, fromUtf8)
    // Re-signs nothing: swaps the second event's :chunk-signature for the first one's, with a valid frame CRC.
    class TamperingHandler extends NodeHttp2Handler {
      override handle(
        request: Parameters<NodeHttp2Handler['handle']>[0],
        options?: Parameters<NodeHttp2Handler['handle']>[1],
      ) {
        let n = 0
        let first: Uint8Array | undefined
        const body = request.body as Readable
        request.body = body.pipe(
          new Transform({
            transform(chunk: Buffer, _enc, cb) {
              n++
              const msg = codec.decode(chunk)
              const sig = msg.headers[':chunk-signature']
              if (n === 1 && sig?.type === 'binary') first = sig.value
              if (n === 2 && first)
                return cb(
                  null,
                  Buffer.from(
                    codec.encode({
                      ...msg,
                      headers: { ...msg.headers, ':chunk-signature': { type: 'binary', value: first } },
                    }),
                  ),
                )
              cb(null, chunk)
            },
          }),
        )
        return super.handle(request, options)
      }
    }
    const tampering = new TranscribeStreamingClient({
      region: TEST_AWS.region,
      endpoint: sim.url,
      maxAttempts: 1,
      credentials: { accessKeyId: TEST_AWS.accessKeyId, secretAccessKey: TEST_AWS.secretAccessKey },
      requestHandler: new TamperingHandler(),
      logger: quiet,
    })
    try {
      const session = createTranscribe({ client: tampering }).start({
        languageCode: 'en-US',
        sampleRate: 16_000,
        signal: new AbortController().signal,
      })
      const done = collect(session.events)
      const pcm = speechLikePcm({ seconds: 0.5 })
      for (let i = 0; i < pcm.length; i += 3200) session.write(pcm.subarray(i, i + 3200))
      session.end()
      await expect(done).rejects.toMatchObject({
        code: 'transcribe_bad_request',
        message: expect.stringContaining('event signature'),
      })
      expect(sim.sessions.at(-1)).toMatchObject({ signaturesOk: false, frames: 1 })
    } finally {
      tampering.destroy()
    }
  })
})
