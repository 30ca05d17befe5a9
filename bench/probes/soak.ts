import type { BenchWorld } from '../benchWorld.ts'
import { spawnProxy } from '../spawnServer.ts'
import { median, spread, type Spread } from '../stats.ts'
import { proxiedStream } from '../streams.ts'

export type SoakResult = {
  concurrency: number
  seconds: number
  streams: number
  /** P3: failed streams (HTTP error, error event, no `done`, connection error). */
  errors: number
  errorSamples: string[]
  /** Streams that ended normally but with a notice (answer without proposal). */
  degraded: number
  degradedCodes: string[]
  /** Set when the proxy process died during the soak (e.g. out of memory), with its last output. */
  proxyExited?: string
  ttftMs: Spread
  rssMb: {
    idle: number
    /** VmHWM: the highest resident set the proxy process ever had. */
    peak: number
    /** Median over the second tenth of the run (after warm-up) and over the last tenth. */
    warm: number
    end: number
    /** end − warm: what a longer run would keep adding. */
    growth: number
    afterIdle: number
  }
}

const MB = 2 ** 20
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** A fresh proxy process holds `concurrency` streams open for `seconds` (each finished stream is replaced at once). */
export async function measureSoak(
  world: BenchWorld,
  { concurrency, seconds }: { concurrency: number; seconds: number },
): Promise<SoakResult> {
  const proxy = await spawnProxy(world.proxyEnv, { entry: world.proxyEntry, nodeArgs: world.proxyNodeArgs })
  try {
    await sleep(500)
    const idle = proxy.memory()?.rss ?? Number.NaN
    const samples: Array<{ t: number; rss: number }> = []
    const started = performance.now()
    const endAt = started + seconds * 1000
    const sampler = setInterval(() => {
      const m = proxy.memory()
      if (m) samples.push({ t: performance.now() - started, rss: m.rss })
      // The simulator records every request; a 60 s soak would otherwise grow this process, not the proxy.
      if (world.bedrock.requests.length > 2000) world.bedrock.reset()
    }, 250)
    let streams = 0
    let errors = 0
    let degraded = 0
    const degradedCodes = new Set<string>()
    const errorSamples = new Set<string>()
    const ttfts: number[] = []
    const exited = () => proxy.child.exitCode !== null || proxy.child.signalCode !== null
    const worker = async () => {
      while (performance.now() < endAt && !exited()) {
        const t = await proxiedStream({ url: proxy.url, key: world.proxyKey })
        streams++
        if (t.notices.length) {
          degraded++
          for (const n of t.notices) degradedCodes.add(n)
        }
        if (t.ok) ttfts.push(t.ttftMs)
        else {
          errors++
          if (errorSamples.size < 5) errorSamples.add(t.error ?? 'unknown')
          await sleep(100) // a failing proxy is not hammered in a tight loop
        }
      }
    }
    await Promise.all(Array.from({ length: concurrency }, worker))
    clearInterval(sampler)
    const window = (from: number, to: number) =>
      median(samples.filter((s) => s.t >= from * seconds * 1000 && s.t <= to * seconds * 1000).map((s) => s.rss))
    const warm = window(0.1, 0.2)
    const end = window(0.9, 1.0)
    await sleep(2000)
    const last = proxy.memory()
    return {
      concurrency,
      seconds,
      streams,
      errors,
      errorSamples: [...errorSamples],
      degraded,
      degradedCodes: [...degradedCodes],
      ...(exited()
        ? {
            proxyExited: `code ${proxy.child.exitCode ?? proxy.child.signalCode}: ${proxy.output().slice(-300).replace(/\s+/g, ' ')}`,
          }
        : {}),
      ttftMs: spread(ttfts),
      rssMb: {
        idle: idle / MB,
        peak: (last?.hwm ?? Number.NaN) / MB,
        warm: warm / MB,
        end: end / MB,
        growth: (end - warm) / MB,
        afterIdle: (last?.rss ?? Number.NaN) / MB,
      },
    }
  } finally {
    await proxy.stop()
  }
}
