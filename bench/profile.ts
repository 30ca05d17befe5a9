import { proxyEntry } from './spawnServer.ts'

/** How hard each probe runs. `--quick` is for the smoke test and a first look, not for the closing note. */
export type Profile = {
  quick: boolean
  only: Set<string> | undefined
  out: string
  /** BENCH_PROXY: another entry file for the proxy, e.g. a patched copy; default the compiled build, else tsx. */
  proxyEntry: string
  /** BENCH_PROXY_NODE_OPTIONS: extra node flags for the proxy process, e.g. --max-old-space-size=96. */
  proxyNodeArgs: string[]
  p1: {
    single: { runs: number; batchesPerRun: number }
    concurrent: { concurrency: number; runs: number; batchesPerRun: number }
  }
  p3: { concurrency: number; seconds: number }
  p9: { turns: number; concurrency: number }
  p5: { runs: number }
  p6: { runs: number }
  p7: { burstSeconds: number }
  p8: { runs: number }
  p10: { pairs: number; seconds: number }
}

const int = (raw: string | undefined, fallback: number) => (raw && /^\d+$/.test(raw) ? Number(raw) : fallback)

/** Flags: --quick, --only=P1,P2,P8, --out=path. Env: BENCH_P3_SECONDS, BENCH_STREAMS (concurrent streams), BENCH_PROXY,
 * BENCH_PROXY_NODE_OPTIONS, BENCH_P9_TURNS. */
export function profileFrom(argv: string[], env: Record<string, string | undefined>): Profile {
  const quick = argv.includes('--quick')
  const only = argv.find((a) => a.startsWith('--only='))?.slice(7)
  const out = argv.find((a) => a.startsWith('--out='))?.slice(6) ?? 'bench/results/latest.json'
  const streams = int(env['BENCH_STREAMS'], quick ? 20 : 200)
  return {
    quick,
    only: only
      ? new Set(
          only
            .toUpperCase()
            .split(',')
            .map((s) => s.trim()),
        )
      : undefined,
    out,
    proxyEntry: proxyEntry(env),
    proxyNodeArgs: (env['BENCH_PROXY_NODE_OPTIONS'] ?? '').split(/\s+/).filter(Boolean),
    p1: {
      single: quick ? { runs: 3, batchesPerRun: 1 } : { runs: 5, batchesPerRun: 3 },
      concurrent: { concurrency: streams, runs: quick ? 2 : 5, batchesPerRun: 1 },
    },
    p3: { concurrency: streams, seconds: int(env['BENCH_P3_SECONDS'], quick ? 5 : 60) },
    p5: { runs: quick ? 2 : 7 },
    p9: { turns: int(env['BENCH_P9_TURNS'], quick ? 40 : 600), concurrency: 10 },
    p6: { runs: quick ? 2 : 7 },
    p7: { burstSeconds: quick ? 1 : 3 },
    p8: { runs: quick ? 3 : 7 },
    p10: { pairs: quick ? 5 : 20, seconds: quick ? 3 : 10 },
  }
}

export const wants = (p: Profile, id: string) => !p.only || p.only.has(id)
