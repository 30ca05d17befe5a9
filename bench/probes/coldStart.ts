import { cleanEnv, freePort, spawnTsx, stopChild, waitHealthy } from '../spawnServer.ts'
import { spread, type Spread } from '../stats.ts'

export type ColdStartResult = {
  runs: number
  /** P5: per pair, proxy ÷ hello-world, time from spawn to the first 200 on /health. */
  ratio: Spread
  proxyMs: Spread
  helloMs: Spread
}

async function timeToHealthy(file: string, env: Record<string, string>): Promise<number> {
  const port = await freePort()
  const t0 = performance.now()
  const { child, output } = spawnTsx(file, cleanEnv({ ...env, PORT: String(port) }))
  try {
    return (await waitHealthy(`http://127.0.0.1:${port}/health`, { everyMs: 2, child })) - t0
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}\n${output().slice(-1500)}`)
  } finally {
    await stopChild(child)
  }
}

/**
 * Both servers start as `node --import tsx <file>` (what `tsx <file>` runs) after one discarded start each, so
 * tsx's transform cache is warm for both; pairs alternate which goes first.
 */
export async function measureColdStart(
  proxyEnv: Record<string, string>,
  { runs, entry = 'proxy/main.ts' }: { runs: number; entry?: string },
): Promise<ColdStartResult> {
  const proxy = () => timeToHealthy(entry, { ...proxyEnv, HOST: '127.0.0.1' })
  const hello = () => timeToHealthy('bench/fixtures/helloHono.ts', {})
  await proxy()
  await hello()
  const p: number[] = []
  const h: number[] = []
  const ratios: number[] = []
  for (let i = 0; i < runs; i++) {
    let a: number
    let b: number
    if (i % 2 === 0) {
      a = await proxy()
      b = await hello()
    } else {
      b = await hello()
      a = await proxy()
    }
    p.push(a)
    h.push(b)
    ratios.push(a / b)
  }
  return { runs, ratio: spread(ratios), proxyMs: spread(p), helloMs: spread(h) }
}
