/** "" / null / undefined all mean "no value" in Storyblok: an untouched text field saves as "". */
const blank = (v: unknown) => v === undefined || v === null || v === ''

/**
 * Structural equality of JSON field values (key order ignored), with every kind of "no value" equal. The one
 * comparison behind conflict checks in the proxy and unsaved-edit checks in the plugin, so both agree.
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (blank(a) || blank(b)) return blank(a) && blank(b)
  if (typeof a !== 'object' || typeof b !== 'object') return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]))
  const ra = a as Record<string, unknown>
  const rb = b as Record<string, unknown>
  const keys = new Set([...Object.keys(ra), ...Object.keys(rb)])
  for (const k of keys) if (!sameValue(ra[k], rb[k])) return false
  return true
}
