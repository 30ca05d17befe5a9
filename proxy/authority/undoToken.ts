import type { ChangeSet } from '../../shared/contract.ts'
import type { ChangeTokens } from './changeToken.ts'
import type { TokenScope } from './proposalToken.ts'
import { undoTarget } from './tokenTarget.ts'

/**
 * The token an apply returns with its undo set: exactly what this write replaced and with what, so an undo can
 * restore those values (and remove a list item only when this apply added it) and nothing else.
 */
export function undoToken(
  tokens: ChangeTokens,
  ttlMs: number,
  { spaceId, storyId, releaseId }: TokenScope,
  changeSetId: string,
  undo: Readonly<ChangeSet>,
): string {
  return tokens.sign(
    { typ: 'undo', cs: changeSetId, sp: spaceId, st: storyId, rl: releaseId || null, t: undo.map(undoTarget) },
    ttlMs,
  )
}
