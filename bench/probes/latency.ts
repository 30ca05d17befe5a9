import { DEFAULT_MODEL_ID } from '../../proxy/loadConfig.ts'
import type { BenchWorld } from '../benchWorld.ts'
import { median, spread, type Spread } from '../stats.ts'
import { directStream, proxiedStream, type ConverseRequest, type StreamTiming } from '../streams.ts'

export type LatencyResult = {
  concurrency: number
  runs: number
  /** Size of the request the direct side sends: the proxy's own request replayed, or a small fallback prompt. */
  directRequest: { replayed: boolean; bytes: number }
  /** P1: per-run median TTFT proxied ÷ direct. */
  ttftRatio: Spread
  /** P2: per-run median whole-stream duration proxied ÷ direct. */
  durationRatio: Spread
  ms: {
    proxiedTtft: Spread
    directTtft: Spread
    proxiedTotal: Spread
    directTotal: Spread
    proxiedLastText: Spread
    directLastText: Spread
  }
  errors: { proxied: number; direct: number; samples: string[] }
  /** Proxied streams that answered with a notice (degraded, e.g. story not readable in time). */
  degraded: { count: number; codes: string[] }
}

export type LatencyOptions = { concurrency: number; runs: number; batchesPerRun: number }

/** The ConverseStream body the proxy last sent, as the simulator received it (the SDK's input has the same shape). */
function proxiedRequest(world: BenchWorld): ConverseRequest | undefined {
  const body: unknown = world.bedrock.requests.findLast(
    (r) => r.operation === 'converse-stream' && r.outcome === 'content',
  )?.body
  if (typeof body !== 'object' || body === null || !('messages' in body)) return undefined
  const { modelId: _ignored, ...request } = body as ConverseRequest & { modelId?: string }
  return request
}

const batch = (n: number, one: () => Promise<StreamTiming>) => Promise.all(Array.from({ length: n }, one))

/**
 * Proxied and direct batches alternate (and swap order every run) so drift of the machine — other processes,
 * GC, thermal — lands on both sides; each run gives one ratio of medians, the table shows their spread.
 */
export async function measureLatency(
  world: BenchWorld,
  { concurrency, runs, batchesPerRun }: LatencyOptions,
): Promise<LatencyResult> {
  const proxied = () => proxiedStream({ url: world.proxy.url, key: world.proxyKey })
  // Warm the proxy (connections, JIT, its SDK client and credential cache), then replay the request it sent.
  await batch(Math.min(concurrency, 20), proxied)
  const request = proxiedRequest(world)
  const direct = () => directStream(world.direct.bedrock, DEFAULT_MODEL_ID, request)
  await batch(Math.min(concurrency, 20), direct)

  const ttftRatios: number[] = []
  const durationRatios: number[] = []
  const all = { proxied: [] as StreamTiming[], direct: [] as StreamTiming[] }
  for (let run = 0; run < runs; run++) {
    const p: StreamTiming[] = []
    const d: StreamTiming[] = []
    for (let b = 0; b < batchesPerRun; b++) {
      const proxiedFirst = (run + b) % 2 === 0
      if (proxiedFirst) {
        p.push(...(await batch(concurrency, proxied)))
        d.push(...(await batch(concurrency, direct)))
      } else {
        d.push(...(await batch(concurrency, direct)))
        p.push(...(await batch(concurrency, proxied)))
      }
    }
    const okP = p.filter((t) => t.ok)
    const okD = d.filter((t) => t.ok)
    ttftRatios.push(median(okP.map((t) => t.ttftMs)) / median(okD.map((t) => t.ttftMs)))
    durationRatios.push(median(okP.map((t) => t.totalMs)) / median(okD.map((t) => t.totalMs)))
    all.proxied.push(...p)
    all.direct.push(...d)
  }
  const ok = (xs: StreamTiming[]) => xs.filter((t) => t.ok)
  const failed = [...all.proxied, ...all.direct].filter((t) => !t.ok)
  return {
    concurrency,
    runs,
    directRequest: { replayed: request !== undefined, bytes: JSON.stringify(request ?? {}).length },
    ttftRatio: spread(ttftRatios),
    durationRatio: spread(durationRatios),
    ms: {
      proxiedTtft: spread(ok(all.proxied).map((t) => t.ttftMs)),
      directTtft: spread(ok(all.direct).map((t) => t.ttftMs)),
      proxiedTotal: spread(ok(all.proxied).map((t) => t.totalMs)),
      directTotal: spread(ok(all.direct).map((t) => t.totalMs)),
      proxiedLastText: spread(ok(all.proxied).map((t) => t.lastTextMs)),
      directLastText: spread(ok(all.direct).map((t) => t.lastTextMs)),
    },
    errors: {
      proxied: all.proxied.filter((t) => !t.ok).length,
      direct: all.direct.filter((t) => !t.ok).length,
      samples: [...new Set(failed.map((t) => t.error ?? 'unknown'))].slice(0, 5),
    },
    degraded: {
      count: all.proxied.filter((t) => t.notices.length > 0).length,
      codes: [...new Set(all.proxied.flatMap((t) => t.notices))],
    },
  }
}
