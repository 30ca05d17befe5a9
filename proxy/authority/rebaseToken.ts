import type { ChangeSet, Conflict } from '../../shared/contract.ts'
import { splitFieldKey } from '../../shared/fieldKey.ts'
import type { ChangeTokens } from './changeToken.ts'
import type { TokenScope } from './proposalToken.ts'
import { applyTarget } from './tokenTarget.ts'

const where = (c: { blockUid: string; field: string; language?: string | undefined }) => {
  const { field, language } = splitFieldKey(c.field, c.language)
  return `${c.blockUid}\u0000${field}\u0000${language}`
}

/**
 * "Use the assistant's" after a conflict: the proxy has just read each conflicting field itself, so it may sign the
 * same change set with those fields' `before` set to what is saved now. The apply that uses it is still checked
 * against the story (a field changed once more is a conflict again), and it names no other target than the proposal.
 */
export function rebaseToken(
  tokens: ChangeTokens,
  ttlMs: number,
  { spaceId, storyId, releaseId }: TokenScope,
  changeSetId: string,
  changes: ChangeSet,
  conflicts: readonly Conflict[],
): string {
  const now = new Map(conflicts.map((c) => [where(c), c.actual]))
  return tokens.sign(
    {
      typ: 'apply',
      cs: changeSetId,
      sp: spaceId,
      st: storyId,
      rl: releaseId || null,
      t: changes.map((c) => applyTarget(now.has(where(c)) ? { ...c, before: now.get(where(c)) } : c)),
    },
    ttlMs,
  )
}
