import type { Change } from '../../shared/contract.ts'
import type { ChangeTokens } from './changeToken.ts'
import { applyTarget } from './tokenTarget.ts'

export type TokenScope = { spaceId: number; storyId: number; releaseId?: number | null | undefined }

/**
 * The token a proposal carries: its changes' targets and `before`s (invalid ones too: the editor may fix their value,
 * which is validated again on apply). None for a proposal without changes.
 */
export function proposalToken(
  tokens: ChangeTokens,
  ttlMs: number,
  { spaceId, storyId, releaseId }: TokenScope,
  changeSetId: string,
  changes: readonly Change[],
): string | undefined {
  if (changes.length === 0) return undefined
  return tokens.sign(
    { typ: 'apply', cs: changeSetId, sp: spaceId, st: storyId, rl: releaseId || null, t: changes.map(applyTarget) },
    ttlMs,
  )
}
