import type { Machine } from './machine.ts'
import type { BundleResult } from './probes/bundle.ts'
import type { CancelResult } from './probes/cancel.ts'
import type { ColdStartResult } from './probes/coldStart.ts'
import type { CpuPerTurnResult } from './probes/cpuPerTurn.ts'
import type { LatencyResult } from './probes/latency.ts'
import type { SharedStateResult } from './probes/sharedState.ts'
import type { SoakResult } from './probes/soak.ts'
import type { TranscribeResult } from './probes/transcribe.ts'
import type { WriteBackResult } from './probes/writeBack.ts'
import { round } from './stats.ts'
import type { Row } from './table.ts'

export type Results = {
  machine: Machine
  startedAt: string
  finishedAt?: string
  quick: boolean
  model: { firstTokenDelayMs: number; tokenDelayMs: number; tokens: number }
  /**
   * P1/P2 at 1 and at N streams, pinned (proxy on one core, clients and simulators on the other) and unpinned:
   * pinned shows the proxy's own cost, unpinned what one shared box gives.
   */
  latency?: Array<LatencyResult & { placement: Placement }>
  cpuPerTurn?: CpuPerTurnResult
  soak?: SoakResult
  bundle?: BundleResult
  coldStart?: ColdStartResult
  transcribe?: TranscribeResult
  writeBack?: WriteBackResult
  cancel?: CancelResult
  sharedState?: SharedStateResult
  /** Probe id → what went wrong running it. */
  failures: Record<string, string>
}

export type Placement = 'pinned' | 'unpinned'

const ms = (x: number) => `${Math.round(x)} ms`
const mb = (x: number) => `${round(x, 1)} MB`

function latencyRows(l: LatencyResult & { placement: Placement }): Row[] {
  const errs =
    (l.errors.proxied + l.errors.direct ? `; errors proxied ${l.errors.proxied}, direct ${l.errors.direct}` : '') +
    (l.degraded.count ? `; ${l.degraded.count} degraded (${l.degraded.codes.join(', ')})` : '')
  return [
    {
      id: 'P1',
      figure: `TTFT proxied÷direct @${l.concurrency}, ${l.placement}`,
      value: l.ttftRatio.median,
      range: l.ttftRatio,
      goal: l.concurrency === 1 ? '≤ 1.03' : '≤ 1.10',
      meets: l.ttftRatio.median <= (l.concurrency === 1 ? 1.03 : 1.1),
      detail: `${ms(l.ms.proxiedTtft.median)} vs ${ms(l.ms.directTtft.median)}${l.directRequest.replayed ? '' : ' (direct: small prompt, replay failed)'}${errs}`,
    },
    {
      id: 'P2',
      figure: `stream duration proxied÷direct @${l.concurrency}, ${l.placement}`,
      value: l.durationRatio.median,
      range: l.durationRatio,
      goal: l.concurrency === 1 ? '≤ 1.02' : '≤ 1.05',
      meets: l.durationRatio.median <= (l.concurrency === 1 ? 1.02 : 1.05),
      detail: `${ms(l.ms.proxiedTotal.median)} vs ${ms(l.ms.directTotal.median)} (last token ${ms(l.ms.proxiedLastText.median)} vs ${ms(l.ms.directLastText.median)})`,
    },
  ]
}

/** Turns whatever was measured into table rows; a probe that failed shows as one row with its reason. */
export function rowsFromResults(r: Results): Row[] {
  const rows: Row[] = []
  for (const l of r.latency ?? []) rows.push(...latencyRows(l))
  if (r.soak) {
    const s = r.soak
    rows.push(
      {
        id: 'P3',
        figure: `errors, ${s.concurrency} streams × ${s.seconds} s`,
        value: s.errors,
        goal: '0',
        meets: s.errors === 0,
        detail: `${s.streams} streams, ${s.degraded} degraded${s.degradedCodes.length ? ` (${s.degradedCodes.join(', ')})` : ''}, TTFT median ${ms(s.ttftMs.median)} / max ${ms(s.ttftMs.max)}${s.errorSamples.length ? `; ${s.errorSamples.join(', ')}` : ''}${s.proxyExited ? `; PROXY EXITED ${s.proxyExited.slice(0, 120)}` : ''}`,
      },
      {
        id: 'P3',
        figure: `proxy peak RSS (VmHWM), ${s.concurrency} live streams`,
        value: round(s.rssMb.peak, 1),
        goal: '≤ 150 MB',
        meets: s.rssMb.peak <= 150,
        detail: `idle ${mb(s.rssMb.idle)}`,
      },
      {
        id: 'P3',
        figure: 'proxy RSS growth under load',
        value: round(s.rssMb.growth, 1),
        goal: 'report',
        detail: `${mb(s.rssMb.warm)} after warm-up → ${mb(s.rssMb.end)} at the end; ${mb(s.rssMb.afterIdle)} 2 s after`,
      },
    )
  }
  if (r.bundle) {
    const b = r.bundle
    rows.push({
      id: 'P4',
      figure: 'plugin bundle gzip kB',
      value: round(b.plugin.gzipKb, 1),
      goal: '≤ 45 kB',
      meets: b.plugin.gzipKb <= 45,
      detail: `raw ${round(b.plugin.rawKb, 1)} kB; empty field plugin ${round(b.empty.gzipKb, 1)} kB gzip / ${round(b.empty.rawKb, 1)} kB raw (×${round(b.ratio, 2)})`,
    })
  }
  if (r.coldStart) {
    const c = r.coldStart
    rows.push({
      id: 'P5',
      figure: 'cold start to /health ÷ hello Hono',
      value: c.ratio.median,
      range: c.ratio,
      goal: '≤ 1.2',
      meets: c.ratio.median <= 1.2,
      detail: `${ms(c.proxyMs.median)} vs ${ms(c.helloMs.median)}${c.compiled ? ' (both compiled, plain node)' : ' (both through tsx)'}`,
    })
  }
  if (r.transcribe) {
    const t = r.transcribe
    rows.push(
      t.status === 'pending'
        ? {
            id: 'P6',
            figure: 'end of audio → final, proxied÷direct',
            value: 'pending',
            goal: '≤ 1.05',
            detail: t.reason,
          }
        : {
            id: 'P6',
            figure: 'end of audio → final, proxied÷direct',
            value: t.ratio.median,
            range: t.ratio,
            goal: '≤ 1.05',
            meets: t.ratio.median <= 1.05,
            detail: `${ms(t.proxiedMs.median)} vs ${ms(t.directMs.median)} (incl. ${t.serviceDelayMs} ms simulated service time)${t.errors.length ? `; errors: ${t.errors.join(', ')}` : ''}`,
          },
    )
  }
  if (r.writeBack) {
    const w = r.writeBack
    if (w.status === 'pending')
      rows.push({
        id: 'P7',
        figure: 'Management API requests per apply',
        value: 'pending',
        goal: '≤ 2',
        detail: w.reason,
      })
    else {
      rows.push(
        {
          id: 'P7',
          figure: 'Management API requests per apply (warm)',
          value: w.requestsPerApply,
          goal: '≤ 2',
          meets: w.requestsPerApply <= 2,
          detail: `${w.applies} applies`,
        },
        {
          id: 'P7',
          figure: `user-visible 429s, ${w.burst.perSecond} applies/s vs ${w.burst.limitPerSecond} req/s`,
          value: w.burst.userVisible429,
          goal: '0',
          meets: w.burst.userVisible429 === 0,
          detail: `${w.burst.ok}/${w.burst.applies} ok, ${w.burst.upstream429} upstream 429s absorbed, apply ${ms(w.burst.latencyMs.median)} median / ${ms(w.burst.latencyMs.max)} max${w.burst.otherErrors.length ? `; other: ${w.burst.otherErrors.join(', ')}` : ''}`,
        },
      )
    }
  }
  if (r.cpuPerTurn) {
    const c = r.cpuPerTurn
    rows.push({
      id: 'P9',
      figure: `proxy CPU per streamed turn (${c.turns} turns)`,
      value: c.msPerTurn,
      goal: '≤ 2 ms',
      meets: c.msPerTurn <= 2 && c.errors === 0,
      detail: `${ms(c.cpuMs)} CPU (user ${ms(c.userMs)}, system ${ms(c.systemMs)}) in ${ms(c.wallMs)}, ${c.concurrency} at a time; demo home story, 40 tokens${c.errors ? `; ${c.errors} errors: ${c.errorSamples.join(', ')}` : ''}`,
    })
  }
  if (r.cancel) {
    const c = r.cancel
    rows.push({
      id: 'P8',
      figure: 'disconnect → upstream cancelled',
      value: c.proxiedMs.median,
      range: c.proxiedMs,
      goal: '≤ 100 ms',
      meets: c.proxiedMs.median <= 100 && c.notCancelled === 0,
      detail: `SDK abort alone ${ms(c.directMs.median)}${c.notCancelled ? `; ${c.notCancelled} never cancelled` : ''}`,
    })
  }
  if (r.sharedState?.status === 'pending')
    rows.push({
      id: 'P10',
      figure: 'shared state (REDIS_URL)',
      value: 'pending',
      goal: '',
      detail: r.sharedState.reason,
    })
  if (r.sharedState?.status === 'measured') {
    const { cost, load } = r.sharedState
    const extra = (k: 'apply' | 'conversation') => cost[k].redisMs.median - cost[k].plainMs.median
    const { one, three } = load.runs
    rows.push(
      {
        id: 'P10',
        figure: 'extra ms per apply with REDIS_URL',
        value: round(extra('apply'), 1),
        goal: 'report',
        detail: `${ms(cost.apply.redisMs.median)} vs ${ms(cost.apply.plainMs.median)} without; conversation +${round(extra('conversation'), 1)} ms (${ms(cost.conversation.redisMs.median)} vs ${ms(cost.conversation.plainMs.median)}, instant model)`,
      },
      {
        id: 'P10',
        figure: 'Redis round trips per conversation / apply',
        value: `${round(cost.conversation.roundTrips, 1)} / ${round(cost.apply.roundTrips, 1)}`,
        goal: '≤ 2 / ≤ 4',
        meets: cost.conversation.roundTrips <= 2 && cost.apply.roundTrips <= 4,
        detail: 'one Lua script or command = one round trip (INFO commandstats)',
      },
      {
        id: 'P10',
        figure: `3 instances + Redis vs 1, ${load.perSecond} applies/s for ${load.seconds} s: errors`,
        value: three.errors.length,
        goal: '0',
        meets: three.errors.length === 0 && three.upstream429 === 0,
        detail: `apply p95 ${ms(three.p95Ms)} vs ${ms(one.p95Ms)} on 1 instance (median ${ms(three.latencyMs.median)} vs ${ms(one.latencyMs.median)}); Storyblok 429s ${three.upstream429} vs ${one.upstream429} at ${load.limitPerSecond}/s${one.errors.length ? `; 1 instance errors ${one.errors.length}` : ''}${three.errors.length ? ` (${three.errors.slice(0, 3).join(', ')})` : ''}`,
      },
    )
  }
  for (const [id, why] of Object.entries(r.failures))
    rows.push({
      id,
      figure: 'probe failed',
      value: 'error',
      goal: '',
      meets: false,
      detail: why.split('\n')[0]?.slice(0, 200) ?? '',
    })
  return rows.sort((a, b) => a.id.localeCompare(b.id))
}
