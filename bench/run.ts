/**
 * `npm run bench`: the proxy against the direct SDK path, side by side on loopback, plus memory, bundle size and
 * cold start. Prints one table and writes bench/results/latest.json. See bench/README.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { MODEL, startBenchWorld } from './benchWorld.ts'
import { describeMachine } from './machine.ts'
import { measureBundle } from './probes/bundle.ts'
import { measureCancel } from './probes/cancel.ts'
import { measureColdStart } from './probes/coldStart.ts'
import { measureCpuPerTurn } from './probes/cpuPerTurn.ts'
import { measureLatency } from './probes/latency.ts'
import { measureSharedState } from './probes/sharedState.ts'
import { measureSoak } from './probes/soak.ts'
import { measureTranscribe } from './probes/transcribe.ts'
import { measureWriteBack } from './probes/writeBack.ts'
import { profileFrom, wants } from './profile.ts'
import { rowsFromResults, type Placement, type Results } from './rowsFromResults.ts'
import { canPin, COMPILED_PROXY, pinProcess, REPO } from './spawnServer.ts'
import { staleBuild } from './staleBuild.ts'
import { renderTable } from './table.ts'

const profile = profileFrom(process.argv.slice(2), process.env)
const results: Results = {
  machine: describeMachine(),
  startedAt: new Date().toISOString(),
  quick: profile.quick,
  model: { ...MODEL },
  failures: {},
}
const say = (msg: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`)

async function step(id: string, label: string, fn: () => Promise<void>, enabled = wants(profile, id)) {
  if (!enabled) return
  say(label)
  try {
    await fn()
  } catch (err) {
    results.failures[id] = err instanceof Error ? (err.stack ?? err.message) : String(err)
    say(`${id} failed: ${(err as Error).message}`)
  }
}

const m = results.machine
const stale = profile.proxyEntry === COMPILED_PROXY ? staleBuild() : undefined
if (stale) say(`warning: ${COMPILED_PROXY} is older than ${stale}; run npm run build:proxy to measure the current code`)
say(`${m.cores} cores, ${m.cpu}, Node ${m.node}, load ${m.load.join(' ')}${profile.quick ? ' (quick)' : ''}`)
const needsWorld = ['P1', 'P2', 'P3', 'P5', 'P6', 'P7', 'P8', 'P9', 'P10'].some((id) => wants(profile, id))
let world: Awaited<ReturnType<typeof startBenchWorld>> | undefined
if (needsWorld) {
  try {
    world = await startBenchWorld({ proxyEntry: profile.proxyEntry, proxyNodeArgs: profile.proxyNodeArgs })
  } catch (err) {
    // Without a running proxy only the bundle can be measured; say so in the table instead of dying.
    results.failures['proxy'] = `the proxy did not start: ${(err as Error).message}`
    say(results.failures['proxy'].split('\n')[0] ?? '')
  }
}
try {
  if (world) {
    const w = world
    const latency = wants(profile, 'P1') || wants(profile, 'P2')
    // Pinned: the proxy alone on core 0, this process (clients, simulators, the direct SDK) on core 1, for both sides.
    const placements: Placement[] = canPin() ? ['pinned', 'unpinned'] : ['unpinned']
    if (latency && !placements.includes('pinned')) say('P1/P2: cannot pin here (taskset, 2 cores): unpinned only')
    const place = (placement: Placement) => {
      if (!placements.includes('pinned')) return
      pinProcess(w.proxy.pid, placement === 'pinned' ? '0' : undefined)
      pinProcess(process.pid, placement === 'pinned' ? '1' : undefined)
    }
    results.latency = []
    try {
      for (const placement of placements) {
        place(placement)
        await step(
          'P1',
          `P1/P2 ${placement}: 1 stream at a time, proxied and direct interleaved`,
          async () => {
            results.latency?.push({
              placement,
              ...(await measureLatency(w, { concurrency: 1, ...profile.p1.single })),
            })
          },
          latency,
        )
        await step(
          'P1',
          `P1/P2 ${placement}: ${profile.p1.concurrent.concurrency} concurrent streams, interleaved`,
          async () => {
            results.latency?.push({ placement, ...(await measureLatency(w, profile.p1.concurrent)) })
          },
          latency,
        )
      }
    } finally {
      place('unpinned')
    }
    await step('P9', `P9: proxy CPU per streamed turn over ${profile.p9.turns} turns`, async () => {
      results.cpuPerTurn = await measureCpuPerTurn(w, profile.p9)
    })
    await step('P8', 'P8: client disconnect → upstream cancel', async () => {
      results.cancel = await measureCancel(world, profile.p8)
    })
    await step('P6', 'P6: end of audio → final transcript', async () => {
      results.transcribe = await measureTranscribe(world, profile.p6)
    })
    await step('P7', 'P7: write-back requests and 429s', async () => {
      results.writeBack = await measureWriteBack(world, profile.p7)
    })
    await step('P10', 'P10: shared state (REDIS_URL): cost per request, 3 instances + Redis vs 1', async () => {
      results.sharedState = await measureSharedState(world, profile.p10)
    })
    await step(
      'P3',
      `P3: ${profile.p3.concurrency} streams for ${profile.p3.seconds} s on a fresh proxy process`,
      async () => {
        results.soak = await measureSoak(world, profile.p3)
      },
    )
    await step('P5', 'P5: cold start, proxy vs hello-world Hono', async () => {
      results.coldStart = await measureColdStart(world.proxyEnv, { ...profile.p5, entry: world.proxyEntry })
    })
  }
  await step('P4', 'P4: plugin bundle vs empty field plugin', async () => {
    results.bundle = await measureBundle()
  })
} finally {
  await world?.close()
}

results.finishedAt = new Date().toISOString()
const out = path.resolve(REPO, profile.out)
mkdirSync(path.dirname(out), { recursive: true })
writeFileSync(out, JSON.stringify({ ...results, table: rowsFromResults(results) }, null, 2) + '\n')

const mm = describeMachine()
process.stdout.write(
  `\nStoryblok Voice Assistant benchmark — ${results.finishedAt}${profile.quick ? ' (--quick)' : ''}\n` +
    `Machine: ${mm.cores} cores, ${mm.cpu}, ${mm.memoryGb} GB, Node ${mm.node}, ${mm.platform}; load at start ${m.load.join(' ')}\n` +
    `Proxy: node ${[...profile.proxyNodeArgs, ...(/\.m?js$/.test(profile.proxyEntry) ? [] : ['--import tsx']), profile.proxyEntry].join(' ')}${stale ? ` (STALE: older than ${stale})` : ''}\n` +
    `Model simulator: first token after ${MODEL.firstTokenDelayMs} ms, then ${1000 / MODEL.tokenDelayMs} tokens/s, ${MODEL.tokens} tokens per answer\n\n` +
    renderTable(rowsFromResults(results)) +
    `\n\nJSON: ${path.relative(process.cwd(), out) || out}\n`,
)
// Missed goals are findings, not failures; a probe that could not run is.
if (Object.keys(results.failures).length > 0) process.exitCode = 1
