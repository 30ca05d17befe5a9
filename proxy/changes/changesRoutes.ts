import { randomUUID } from 'node:crypto'
import { Hono, type Context } from 'hono'
import { AppError } from '../http/appError.ts'
import type { AppEnv } from '../http/appEnv.ts'
import type { ApiGuards } from '../http/apiGuards.ts'
import {
  ChangesBodySchema,
  LedgerBodySchema,
  type ChangeInput,
  type ChangesBody,
  type ChangesResult,
} from '../../shared/contract.ts'
import { applyChanges } from '../story/applyChanges.ts'
import type { Blok } from '../deps.ts'
import { loadMarkdownToRichtext } from '../adapters/markdownToRichtext.ts'
import { fieldKey } from '../../shared/fieldKey.ts'
import { undoFromSaved } from '../story/undoFromSaved.ts'
import type { Deps } from '../deps.ts'
import { assertSpaceAllowed } from '../http/auth.ts'
import { parseBody } from '../http/parseBody.ts'
import { storyTooLarge } from '../http/storyTooLarge.ts'
import { oneAtATime } from './oneAtATime.ts'
import { readStoryLedger } from './readStoryLedger.ts'
import { repairRace } from './repairRace.ts'

/**
 * POST /api/changes: apply (or undo) a change set. Re-reads the saved story right before writing (schemas come from
 * the adapter's cache), writes it, then lists the newest versions to see whether another save landed in between
 * (then one more PUT restores it): one GET, one PUT and one versions GET.
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
    const reply = await perStory(`${body.spaceId}:${body.storyId}`, () => applyChangeSet(deps, c, body))
    return c.json(reply)
  })

  app.post('/api/changes/history', guards.keyed, async (c) => {
    const body = await parseBody(c, LedgerBodySchema)
    assertSpaceAllowed(c, config, body.spaceId)
    return c.json(await readStoryLedger(deps, body, c.req.raw.signal))
  })
  return app
}

async function applyChangeSet(
  { storyblok, bedrock, clock, log }: Deps,
  c: Context<AppEnv>,
  body: ChangesBody,
): Promise<ChangesResult> {
  const { spaceId, storyId } = body
  const releaseId = body.releaseId || undefined
  const reason = body.reason ?? 'apply'
  const signal = c.req.raw.signal
  const [story, components, markdownToRichtext] = await Promise.all([
    storyblok.getStory(spaceId, storyId, signal, { releaseId }),
    storyblok.getComponents(spaceId, signal),
    loadMarkdownToRichtext(),
  ])
  const changeSetId = body.changeSetId ?? randomUUID()
  const applyTo = (content: Blok, changes: readonly ChangeInput[]) =>
    applyChanges({
      content,
      components,
      changes,
      reason,
      markdownToRichtext,
      ...(body.historyField
        ? {
            history: {
              ...body.historyField,
              entry: {
                id: changeSetId,
                at: new Date(clock.now()).toISOString(),
                userId: body.userId ?? null,
                transcript: body.transcript ?? '',
                modelId: bedrock.modelId,
                reason,
              },
            },
          }
        : {}),
    })
  let result = applyTo(story.content, body.changes)
  if (result.type === 'invalid') {
    throw new AppError({
      code: 'invalid_change',
      message: `${result.problems.length} change${result.problems.length === 1 ? '' : 's'} cannot be saved: ${result.problems
        .map((p) => p.reason)
        .join('; ')
        .slice(0, 500)}`,
      hint: 'Fix or drop the listed fields and apply again. Nothing was saved.',
      details: { problems: result.problems },
    })
  }
  if (result.type === 'conflict') {
    throw new AppError({
      code: 'conflict',
      message: `${result.conflicts.length} field${result.conflicts.length === 1 ? ' was' : 's were'} changed in Storyblok since the proposal.`,
      hint: 'Nothing was saved. Reload the story and ask again, so the proposal starts from the current text.',
      details: { conflicts: result.conflicts },
    })
  }
  if (result.type === 'too_large') throw storyTooLarge(result.bytes)
  const publish = body.publish === true
  let saved = await storyblok.updateStory(spaceId, storyId, result.content, { publish, signal, releaseId })
  const race = await repairRace(
    { storyblok, log },
    { spaceId, storyId, releaseId, read: story, saved, changes: body.changes, rerun: applyTo, publish, signal },
  )
  let conflicts = result.conflicts
  if (race.type === 'repaired') {
    saved = race.saved
    conflicts = race.conflicts
    result = race.result ?? { ...result, applied: [], undo: [] }
  }
  // The audit line: who (key id, never the key), where, which fields, which model. Values stay out of logs.
  log.info('story write', {
    requestId: c.get('requestId'),
    keyId: c.get('apiKey').id,
    spaceId,
    storyId,
    reason,
    changeSetId,
    fields: result.applied.map((a) => `${a.blockUid}.${fieldKey(a.field, a.language)}`),
    skippedConflicts: conflicts.length,
    raced: race.type === 'repaired',
    releaseId,
    history: body.historyField !== undefined,
    publish: body.publish === true,
    modelId: bedrock.modelId,
    bytes: result.bytes,
  })
  return {
    storyId,
    version: saved.updated_at,
    applied: result.applied,
    undo: undoFromSaved(result.undo, saved.content, components),
    ...(conflicts.length ? { conflicts } : {}),
    ...(race.type === 'repaired' ? { raced: race.raced } : {}),
    ...(releaseId !== undefined ? { releaseId } : {}),
  }
}
