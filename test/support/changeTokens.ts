import type { ChangeInput } from '../../shared/contract.ts'
import { createChangeTokens } from '../../proxy/authority/changeToken.ts'
import { applyTarget, undoTarget } from '../../proxy/authority/tokenTarget.ts'
import type { Clock } from '../../proxy/deps.ts'
import type { Config } from '../../proxy/loadConfig.ts'

export type TokenOptions = {
  spaceId: number
  storyId: number
  kind?: 'apply' | 'undo'
  changeSetId?: string
  releaseId?: number | null
  ttlMs?: number
}

/**
 * A token as the proxy would sign it for these changes, for tests about what happens after the token check (value
 * validation, conflicts, sizes): signed with the world's own secret by the proxy's own signer.
 */
export function tokenFor(
  { config, clock }: { config: { authority: Pick<Config['authority'], 'signingSecrets'> }; clock: Clock },
  changes: readonly ChangeInput[],
  { spaceId, storyId, kind = 'apply', changeSetId = 'cs-test', releaseId = null, ttlMs = 60_000 }: TokenOptions,
): string {
  const tokens = createChangeTokens({ secrets: config.authority.signingSecrets, clock })
  const t = changes.map(kind === 'apply' ? applyTarget : undoTarget)
  return tokens.sign({ typ: kind, cs: changeSetId, sp: spaceId, st: storyId, rl: releaseId, t }, ttlMs)
}
