import { StartStreamTranscriptionCommand, type AudioStream } from '@aws-sdk/client-transcribe-streaming'
import WebSocket from 'ws'
import { speechLikePcm } from '../../test/support/pcm.ts'
import { TRANSCRIBE_FINAL_DELAY_MS, type BenchWorld } from '../benchWorld.ts'
import { spread, type Spread } from '../stats.ts'

export type TranscribeResult =
  | { status: 'pending'; reason: string }
  | {
      status: 'measured'
      runs: number
      /** P6: per run, end of audio → final transcript, proxied ÷ direct. */
      ratio: Spread
      proxiedMs: Spread
      directMs: Spread
      /** Processing time the relay adds in front of the simulator, paid by both sides. */
      serviceDelayMs: number
      errors: string[]
    }

const FRAME_MS = 100
const FRAME_BYTES = (16_000 * 2 * FRAME_MS) / 1000
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function frames(seconds: number): Uint8Array[] {
  const pcm = speechLikePcm({ seconds })
  const out: Uint8Array[] = []
  for (let i = 0; i < pcm.length; i += FRAME_BYTES) out.push(pcm.subarray(i, i + FRAME_BYTES))
  return out
}

/** The plugin's path: ticket, WebSocket, start, real-time frames, stop; timed from `stop` to the `final` message. */
async function proxied(world: BenchWorld, audio: Uint8Array[]): Promise<number> {
  const res = await fetch(`${world.proxy.url}/api/transcribe/ticket`, {
    method: 'POST',
    headers: { authorization: `Bearer ${world.proxyKey}` },
  })
  if (!res.ok) throw new Error(`ticket: HTTP ${res.status}`)
  const { url } = (await res.json()) as { url: string }
  const ws = new WebSocket(url.replace(/^http/, 'ws'))
  return new Promise<number>((resolve, reject) => {
    let stopAt = 0
    ws.on('error', reject)
    ws.on('close', (code) => reject(new Error(`closed ${code} before final`)))
    ws.on('open', () =>
      ws.send(JSON.stringify({ type: 'start', language: 'en-US', sampleRate: 16_000, encoding: 'pcm' })),
    )
    ws.on('message', async (data, isBinary) => {
      if (isBinary) return
      const msg = JSON.parse(String(data)) as { type: string; code?: string }
      if (msg.type === 'ready') {
        for (const f of audio) {
          ws.send(f)
          await sleep(FRAME_MS)
        }
        stopAt = performance.now()
        ws.send(JSON.stringify({ type: 'stop' }))
      } else if (msg.type === 'final' && stopAt) {
        resolve(performance.now() - stopAt)
        ws.removeAllListeners('close')
        ws.close()
      } else if (msg.type === 'error') reject(new Error(msg.code))
    })
  })
}

/** The SDK straight to the simulator (through the same relay): from the end of the audio stream to its last event. */
async function direct(world: BenchWorld, audio: Uint8Array[]): Promise<number> {
  let endAt = 0
  async function* stream(): AsyncGenerator<AudioStream> {
    for (const f of audio) {
      yield { AudioEvent: { AudioChunk: f } }
      await sleep(FRAME_MS)
    }
    endAt = performance.now()
  }
  const out = await world.direct.transcribe.send(
    new StartStreamTranscriptionCommand({
      LanguageCode: 'en-US',
      MediaEncoding: 'pcm',
      MediaSampleRateHertz: 16_000,
      AudioStream: stream(),
    }),
  )
  let final = ''
  for await (const e of out.TranscriptResultStream ?? []) {
    for (const r of e.TranscriptEvent?.Transcript?.Results ?? [])
      if (!r.IsPartial) final = r.Alternatives?.[0]?.Transcript ?? ''
  }
  if (!final || !endAt) throw new Error('direct: no final transcript')
  // The proxy's `final` is sent when Transcribe's stream ends (stable segments joined): the same moment.
  return performance.now() - endAt
}

export async function measureTranscribe(
  world: BenchWorld,
  { runs, seconds = 1.5 }: { runs: number; seconds?: number },
): Promise<TranscribeResult> {
  const probe = await fetch(`${world.proxy.url}/api/transcribe/ticket`, {
    method: 'POST',
    headers: { authorization: `Bearer ${world.proxyKey}` },
  })
  if (probe.status === 404) return { status: 'pending', reason: 'POST /api/transcribe/ticket is not mounted' }
  const audio = frames(seconds)
  const p: number[] = []
  const d: number[] = []
  const ratios: number[] = []
  const errors: string[] = []
  await proxied(world, audio).catch(() => {})
  await direct(world, audio).catch(() => {})
  for (let i = 0; i < runs; i++) {
    try {
      let pm: number
      let dm: number
      if (i % 2 === 0) {
        pm = await proxied(world, audio)
        dm = await direct(world, audio)
      } else {
        dm = await direct(world, audio)
        pm = await proxied(world, audio)
      }
      p.push(pm)
      d.push(dm)
      ratios.push(pm / dm)
    } catch (err) {
      errors.push((err as Error).message)
    }
  }
  return {
    status: 'measured',
    runs,
    ratio: spread(ratios),
    proxiedMs: spread(p),
    directMs: spread(d),
    serviceDelayMs: TRANSCRIBE_FINAL_DELAY_MS,
    errors: [...new Set(errors)].slice(0, 5),
  }
}
