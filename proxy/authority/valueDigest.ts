import { createHash } from 'node:crypto'

/** "" / null / undefined are one "no value" (as sameValue treats them); object keys without a value are dropped. */
function canonical(value: unknown): unknown {
  if (value === undefined || value === null || value === '') return null
  if (Array.isArray(value)) return value.map(canonical)
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(value).sort()) {
      const v = canonical((value as Record<string, unknown>)[key])
      if (v !== null) out[key] = v
    }
    return out
  }
  return value
}

/**
 * A short fingerprint of a field value: equal for values sameValue() calls equal (key order, blank values), so a
 * signed token can bind a `before` without carrying it.
 */
export function valueDigest(value: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(canonical(value)))
    .digest('base64url')
    .slice(0, 22)
}
