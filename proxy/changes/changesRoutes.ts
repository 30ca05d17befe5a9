import { Hono } from 'hono'
import { AppError } from '../http/appError.ts'
import type { AppEnv } from '../http/appEnv.ts'
import type { ApiGuards } from '../http/apiGuards.ts'
import { ChangesBodySchema, LedgerBodySchema } from '../../shared/contract.ts'
import type { Deps } from '../deps.ts'
import { assertSpaceAllowed } from '../http/auth.ts'
import { parseBody } from '../http/parseBody.ts'
import { applyChanges } from './applyChanges.ts'
import { oneAtATime } from './oneAtATime.ts'
import { readStoryLedger } from './readStoryLedger.ts'
import { undoChanges } from './undoChanges.ts'

/**
 * POST /api/changes: apply a change set, or undo one (`reason: "undo"` only picks the handler).
 * POST /api/changes/history: the story's change sets, read from its versions (the ledger).
 */
export function changesRoutes(deps: Deps, guards: ApiGuards): Hono<AppEnv> {
  const { config } = deps
  const app = new Hono<AppEnv>()
  // Storyblok has no write precondition: this proxy's writes to one story run one at a time, so two applies never
  // start from the same version and overwrite each other.
  const perStory = oneAtATime()

  app.post('/api/changes', guards.keyed, async (c) => {
    const body = await parseBody(c, ChangesBodySchema)
    assertSpaceAllowed(c, config, body.spaceId)
    if (!config.storyblok.token) {
      throw new AppError({
        code: 'not_configured',
        message: 'No Storyblok token is configured, so changes cannot be saved.',
        hint: 'Set STORYBLOK_TOKEN (a personal access token scoped to this space, stories read/write).',
      })
    }
    const handle = body.reason === 'undo' ? undoChanges : applyChanges
    const reply = await perStory(`${body.spaceId}:${body.storyId}`, () => handle(deps, c, body))
    return c.json(reply)
  })

  app.post('/api/changes/history', guards.keyed, async (c) => {
    const body = await parseBody(c, LedgerBodySchema)
    assertSpaceAllowed(c, config, body.spaceId)
    return c.json(await readStoryLedger(deps, body, c.req.raw.signal))
  })
  return app
}
