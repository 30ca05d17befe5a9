import { mkdtempSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { build } from 'esbuild'
import { cleanEnv, freePort, REPO, spawnTsx, stopChild, waitHealthy } from '../spawnServer.ts'
import { spread, type Spread } from '../stats.ts'

export type ColdStartResult = {
  runs: number
  /** P5: per pair, proxy ÷ hello-world, time from spawn to the first 200 on /health. */
  ratio: Spread
  proxyMs: Spread
  helloMs: Spread
  /** Both started as bundled JavaScript on plain node (the proxy's compiled build), not through tsx. */
  compiled: boolean
}

/** The hello-world baseline bundled like scripts/buildProxy.ts bundles the proxy, so both start the same way. */
async function compiledHello(): Promise<string> {
  const outfile = path.join(mkdtempSync(path.join(os.tmpdir(), 'bench-hello-')), 'helloHono.mjs')
  await build({
    entryPoints: [path.join(REPO, 'bench/fixtures/helloHono.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    logLevel: 'warning',
  })
  return outfile
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
 * Both servers start the same way after one discarded start each (warm page cache, warm tsx cache): a compiled proxy
 * (`.js`) against the hello world bundled the same way, both on plain node; a `.ts` proxy against the hello world as
 * `node --import tsx <file>`. Pairs alternate which goes first.
 */
export async function measureColdStart(
  proxyEnv: Record<string, string>,
  { runs, entry = 'proxy/main.ts' }: { runs: number; entry?: string },
): Promise<ColdStartResult> {
  const proxy = () => timeToHealthy(entry, { ...proxyEnv, HOST: '127.0.0.1' })
  const compiled = /\.m?js$/.test(entry)
  const helloFile = compiled ? await compiledHello() : 'bench/fixtures/helloHono.ts'
  const hello = () => timeToHealthy(helloFile, {})
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
  return { runs, ratio: spread(ratios), proxyMs: spread(p), helloMs: spread(h), compiled }
}
