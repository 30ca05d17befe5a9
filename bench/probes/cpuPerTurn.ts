import type { BenchWorld } from '../benchWorld.ts'
import { cpuTimeMs } from '../spawnServer.ts'
import { proxiedStream, type StreamTiming } from '../streams.ts'

export type CpuPerTurnResult = {
  turns: number
  concurrency: number
  /** P9: proxy process CPU time (user + system) over the measured turns ÷ turns. */
  msPerTurn: number
  cpuMs: number
  /** The same CPU time split: user (JavaScript, parsing, crypto) and system (the kernel: socket writes and reads). */
  userMs: number
  systemMs: number
  wallMs: number
  errors: number
  errorSamples: string[]
}

/**
 * `turns` streamed turns (the demo home story, the model's 40 tokens) through the running proxy, `concurrency` at a
 * time, after a warm-up; the proxy's CPU time from /proc/<pid>/stat is read before and after.
 */
export async function measureCpuPerTurn(
  world: BenchWorld,
  { turns, concurrency }: { turns: number; concurrency: number },
): Promise<CpuPerTurnResult> {
  const run = async (n: number) => {
    let left = n
    const timings: StreamTiming[] = []
    const worker = async () => {
      while (left > 0) {
        left--
        timings.push(await proxiedStream({ url: world.proxy.url, key: world.proxyKey }))
      }
    }
    await Promise.all(Array.from({ length: concurrency }, worker))
    return timings
  }
  await run(Math.min(turns, 4 * concurrency))
  const before = cpuTimeMs(world.proxy.pid)
  const t0 = performance.now()
  const timings = await run(turns)
  const wallMs = performance.now() - t0
  const after = cpuTimeMs(world.proxy.pid)
  if (before === undefined || after === undefined) throw new Error('no /proc/<pid>/stat here: CPU time not measured')
  const failed = timings.filter((t) => !t.ok)
  return {
    turns,
    concurrency,
    msPerTurn: (after.user + after.system - before.user - before.system) / turns,
    cpuMs: after.user + after.system - before.user - before.system,
    userMs: after.user - before.user,
    systemMs: after.system - before.system,
    wallMs,
    errors: failed.length,
    errorSamples: [...new Set(failed.map((t) => t.error ?? 'unknown'))].slice(0, 5),
  }
}
