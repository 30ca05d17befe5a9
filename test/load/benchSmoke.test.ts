import { spawnSync, type SpawnSyncReturns } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isolateAwsEnv } from '../../dev/awsEnv.ts'
import { canPin } from '../../bench/spawnServer.ts'

const restoreEnv = isolateAwsEnv()
const tmp = mkdtempSync(path.join(os.tmpdir(), 'bench-smoke-'))
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true })
  restoreEnv()
})

type Row = { id: string; figure: string; value: number | string }

// Pinning needs taskset and two cores; elsewhere the bench measures unpinned only.
const placements = canPin() ? ['pinned', 'unpinned'] : ['unpinned']

/**
 * A tiny run of `npm run bench` (quick P1/P2/P8 with 3 streams) proving the harness works end to end: the real
 * proxy process, the simulators and the SDK baseline. It checks the shape of the output, never the timings.
 */
describe('npm run bench --quick', () => {
  const out = path.join(tmp, 'bench.json')
  let run: SpawnSyncReturns<string>
  beforeAll(() => {
    run = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'bench/run.ts', '--quick', '--only=P1,P2,P8,P9', `--out=${out}`],
      {
        cwd: path.resolve(import.meta.dirname, '../..'),
        env: { ...process.env, BENCH_STREAMS: '3', BENCH_P9_TURNS: '12' },
        encoding: 'utf8',
        timeout: 150_000,
      },
    )
  }, 180_000)

  it('exits cleanly and prints one table with the machine', () => {
    expect(run.status, run.stderr.slice(-2000)).toBe(0)
    expect(run.stdout).toMatch(/Machine: \d+ cores, .+, Node v\d+/)
    expect(run.stdout).toMatch(/^# +\| figure +\| median/m)
  })

  it('measures P1 and P2 at 1 and at N streams (pinned where it can), P8 and P9, as numbers in the table and the JSON', () => {
    expect(existsSync(out)).toBe(true)
    const json = JSON.parse(readFileSync(out, 'utf8')) as {
      table: Row[]
      failures: Record<string, string>
      machine: { cores: number }
    }
    expect(json.failures).toEqual({})
    expect(json.machine.cores).toBeGreaterThan(0)
    const figures = json.table.map((r) => `${r.id} ${r.figure}`)
    expect(figures).toEqual(
      expect.arrayContaining([
        ...placements.flatMap((p) => [
          `P1 TTFT proxied÷direct @1, ${p}`,
          `P1 TTFT proxied÷direct @3, ${p}`,
          `P2 stream duration proxied÷direct @1, ${p}`,
          `P2 stream duration proxied÷direct @3, ${p}`,
        ]),
        'P8 disconnect → upstream cancelled',
        'P9 proxy CPU per streamed turn (12 turns)',
      ]),
    )
    for (const row of json.table) {
      expect(typeof row.value, row.figure).toBe('number')
      expect(row.value as number, row.figure).toBeGreaterThanOrEqual(0)
      expect(Number.isFinite(row.value), row.figure).toBe(true)
      // The printed table carries the same figure.
      expect(run.stdout).toContain(row.figure)
    }
  })
})
