import type { Spread } from './stats.ts'
import { round } from './stats.ts'

export type Row = {
  id: string
  figure: string
  /** The headline number (a ratio where the issue asks for one). */
  value: number | string
  range?: Spread
  goal: string
  /** true meets, false misses, undefined not judged (pending, informational). */
  meets?: boolean
  detail: string
}

const fmt = (x: number | string) =>
  typeof x === 'string' ? x : Number.isFinite(x) ? String(round(x, Math.abs(x) >= 100 ? 0 : 3)) : 'n/a'

/** One plain-text table, wide but greppable: a row per figure, the verdict in its own column. */
export function renderTable(rows: Row[]): string {
  const cells = rows.map((r) => [
    r.id,
    r.figure,
    fmt(r.value),
    r.range && r.range.n > 1 ? `${fmt(r.range.min)}–${fmt(r.range.max)} (n=${r.range.n})` : '',
    r.goal,
    r.meets === undefined ? (r.value === 'pending' ? 'pending' : '–') : r.meets ? 'meets' : 'MISSES',
    r.detail,
  ])
  const head = ['#', 'figure', 'median', 'min–max', 'goal', 'verdict', 'detail']
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)))
  const line = (c: string[]) => c.map((x, i) => (i === c.length - 1 ? x : x.padEnd(widths[i] ?? 0))).join(' | ')
  return [
    line(head),
    widths.map((w, i) => '-'.repeat(i === widths.length - 1 ? Math.min(w, 40) : w)).join('-|-'),
    ...cells.map(line),
  ].join('\n')
}
