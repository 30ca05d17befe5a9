/** Median with the spread, the one shape every figure in the table takes. */
export type Spread = { median: number; min: number; max: number; n: number }

export function spread(values: number[]): Spread {
  const xs = values.filter(Number.isFinite).sort((a, b) => a - b)
  if (xs.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, n: 0 }
  const mid = Math.floor(xs.length / 2)
  const median = xs.length % 2 ? (xs[mid] as number) : ((xs[mid - 1] as number) + (xs[mid] as number)) / 2
  return { median, min: xs[0] as number, max: xs[xs.length - 1] as number, n: xs.length }
}

export const median = (values: number[]) => spread(values).median

export const round = (x: number, digits = 3) => (Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : x)
