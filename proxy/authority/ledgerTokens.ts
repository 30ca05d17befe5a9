import type { LedgerResult } from '../../shared/contract.ts'
import type { ChangeTokens } from './changeToken.ts'
import type { TokenScope } from './proposalToken.ts'
import { applyTarget } from './tokenTarget.ts'
import { undoToken } from './undoToken.ts'

/**
 * The ledger is read by the proxy itself from the story's versions (its own writes, recorded in this plugin's field),
 * so it may sign what the ledger offers: the undo of each change set and, after a stale save, its restore. The
 * client still cannot name any other target, and each token is checked like an apply's or undo's.
 */
export function signLedger(
  tokens: ChangeTokens,
  { proposalTtlMs, undoTtlMs }: { proposalTtlMs: number; undoTtlMs: number },
  scope: TokenScope,
  ledger: LedgerResult,
): LedgerResult {
  const { spaceId, storyId, releaseId } = scope
  return {
    ...ledger,
    changeSets: ledger.changeSets.map((set) => ({
      ...set,
      ...(set.undo.length ? { undoToken: undoToken(tokens, undoTtlMs, scope, set.id, set.undo) } : {}),
      ...(set.restore?.length
        ? {
            restoreToken: tokens.sign(
              {
                typ: 'apply',
                cs: set.id,
                sp: spaceId,
                st: storyId,
                rl: releaseId || null,
                t: set.restore.map(applyTarget),
              },
              proposalTtlMs,
            ),
          }
        : {}),
    })),
  }
}
