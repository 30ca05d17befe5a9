import type { EditableChange } from '../state.ts'
import type { ReviewCommand } from './parseReviewCommand.ts'

/**
 * The ids a spoken apply means, by the numbers on the cards (1-based, in list order); undefined when it names a
 * card that is not there or leaves nothing to apply.
 */
export function changesToApply(
  command: Extract<ReviewCommand, { type: 'apply' }>,
  changes: EditableChange[],
): { ids: string[]; positions: number[] } | undefined {
  const open = (c: EditableChange) => !c.change.invalid && !c.applied
  const named = [...(command.only ?? []), ...(command.except ?? [])]
  if (named.some((n) => !changes[n - 1] || !open(changes[n - 1]!))) return undefined
  const picked = changes
    .map((c, i) => ({ c, n: i + 1 }))
    .filter(({ c, n }) => {
      if (!open(c)) return false
      if (command.only) return command.only.includes(n)
      if (command.except) return !command.except.includes(n)
      return command.all || c.selected
    })
  return picked.length ? { ids: picked.map((p) => p.c.change.id), positions: picked.map((p) => p.n) } : undefined
}
