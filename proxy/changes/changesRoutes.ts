import { Hono } from 'hono'
import { AppError } from '../http/appError.ts'
import type { AppEnv } from '../http/appEnv.ts'
import type { ApiGuards } from '../http/apiGuards.ts'
import { ChangesBodySchema, LedgerBodySchema } from '../../shared/contract.ts'
import type { Deps } from '../deps.ts'
import type { Lifecycle } from '../lifecycle.ts'
import { authorizeChanges } from '../authority/authorizeChanges.ts'
import type { ChangeTokens } from '../authority/changeToken.ts'
import { signLedger } from '../authority/ledgerTokens.ts'
import { rebaseToken } from '../authority/rebaseToken.ts'
import { undoToken } from '../authority/undoToken.ts'
import type { Conflict } from '../../shared/contract.ts'
import { assertSpaceAllowed } from '../http/auth.ts'
import { parseBody } from '../http/parseBody.ts'
import type { StoryLock } from '../state/storyLock.ts'
import { applyChanges } from './applyChanges.ts'
import { readStoryLedger } from './readStoryLedger.ts'
import { undoChanges } from './undoChanges.ts'

export type ChangesRouteOptions = {
  guards: ApiGuards
  tokens: ChangeTokens
  lifecycle: Lifecycle
  storyLock: StoryLock
}

/**
 * POST /api/changes: apply a proposal, or undo an apply, as its signed token says (never the client's `reason`).
 * A successful apply answers with the token its undo needs.
 * POST /api/changes/history: the story's change sets, read from its versions (the ledger), each with the tokens
 * that undo it or (after a stale save) restore it.
 */
export function changesRoutes(deps: Deps, { guards, tokens, lifecycle, storyLock }: ChangesRouteOptions): Hono<AppEnv> {
  const { config } = deps
  const app = new Hono<AppEnv>()
  // Storyblok has no write precondition: writes to one story run one at a time across all instances (a lease in the
  // shared state, checked right before the PUT), so two applies never start from the same version and overwrite
  // each other.

  app.post('/api/changes', guards.keyed, async (c) => {
    const body = await parseBody(c, ChangesBodySchema)
    assertSpaceAllowed(c, config, body.spaceId)
    // Outside shared-token mode the editor's own sign-in writes (the Storyblok port refuses without one).
    if (config.auth.mode === 'shared-token' && !config.storyblok.token) {
      throw new AppError({
        code: 'not_configured',
        message: 'No Storyblok token is configured, so changes cannot be saved.',
        hint: 'Set STORYBLOK_TOKEN (a personal access token scoped to this space, stories read/write).',
      })
    }
    if (body.publish === true && !config.authority.allowPublish) {
      throw new AppError({
        code: 'publish_disabled',
        message: 'This proxy saves drafts only; publishing is turned off.',
        hint: 'Save without publishing and publish in Storyblok, or ask the operator to set ALLOW_PUBLISH=true.',
      })
    }
    const authorized = authorizeChanges(tokens, body)
    const handle = authorized.kind === 'undo' ? undoChanges : applyChanges
    const rebase = (conflicts: readonly Conflict[]) =>
      rebaseToken(tokens, config.authority.proposalTtlMs, body, authorized.changeSetId, body.changes, conflicts)
    const reply = await storyLock
      .run(
        `${body.spaceId}:${body.storyId}`,
        (beforeWrite) => lifecycle.write(() => handle(deps, c, body, authorized.changeSetId, beforeWrite)),
        c.req.raw.signal,
      )
      .catch((err: unknown) => {
        // A refused apply's conflicts come with the token that lets the editor put the assistant's value over theirs.
        if (err instanceof AppError && err.code === 'conflict' && authorized.kind === 'apply') {
          const conflicts = (err.details?.['conflicts'] ?? []) as Conflict[]
          throw new AppError({
            code: err.code,
            message: err.message,
            ...(err.hint ? { hint: err.hint } : {}),
            details: { ...err.details, rebaseToken: rebase(conflicts) },
            cause: err.cause,
          })
        }
        throw err
      })
    if (authorized.kind === 'undo') return c.json(reply)
    return c.json({
      ...reply,
      undoToken: undoToken(tokens, config.authority.undoTtlMs, body, authorized.changeSetId, reply.undo),
      // Fields another save took at the same moment: the same choice as after a refused apply.
      ...(reply.conflicts?.length ? { rebaseToken: rebase(reply.conflicts) } : {}),
    })
  })

  app.post('/api/changes/history', guards.keyed, async (c) => {
    const body = await parseBody(c, LedgerBodySchema)
    assertSpaceAllowed(c, config, body.spaceId)
    const ledger = await readStoryLedger(deps, body, c.req.raw.signal)
    return c.json(signLedger(tokens, config.authority, body, ledger))
  })
  return app
}
