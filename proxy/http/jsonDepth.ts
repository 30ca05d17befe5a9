/**
 * How deeply `value` nests (a scalar is 0, `{}` and `[]` are 1), counting no further than `limit + 1`.
 * Iterative, so a body nested 100,000 deep is measured without a stack overflow, in one pass over its nodes.
 */
export function jsonDepth(value: unknown, limit = Number.POSITIVE_INFINITY): number {
  let deepest = 0
  const stack: Array<[unknown, number]> = [[value, 0]]
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [node, depth] = next
    if (typeof node !== 'object' || node === null) continue
    const here = depth + 1
    if (here > deepest) deepest = here
    if (deepest > limit) return deepest
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (typeof child === 'object' && child !== null) stack.push([child, here])
    }
  }
  return deepest
}
