import { randomUUID } from 'node:crypto'
import { Hono, type Context } from 'hono'
import { AppError } from '../http/appError.ts'
import type { AppEnv } from '../http/appEnv.ts'
import type { ApiGuards } from '../http/apiGuards.ts'
import { ChangesBodySchema, type ChangesBody, type ChangesResult } from '../../shared/contract.ts'
import { applyChanges } from '../story/applyChanges.ts'
import { loadMarkdownToRichtext } from '../adapters/markdownToRichtext.ts'
import { fieldKey } from '../../shared/fieldKey.ts'
import { undoFromSaved } from '../story/undoFromSaved.ts'
import type { Deps } from '../deps.ts'
import { assertSpaceAllowed } from '../http/auth.ts'
import { parseBody } from '../http/parseBody.ts'
import { storyTooLarge } from '../http/storyTooLarge.ts'
import { oneAtATime } from './oneAtATime.ts'

/**
 * POST /api/changes: apply (or undo) a change set. Re-reads the saved story right before writing (schemas come from
 * the adapter's cache), so an apply costs one GET and one PUT.
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
  return app
}

async function applyChangeSet(
  { storyblok, bedrock, clock, log }: Deps,
  c: Context<AppEnv>,
  body: ChangesBody,
): Promise<ChangesResult> {
  const { spaceId, storyId } = body
  const reason = body.reason ?? 'apply'
  const signal = c.req.raw.signal
  const [story, components, markdownToRichtext] = await Promise.all([
    storyblok.getStory(spaceId, storyId, signal),
    storyblok.getComponents(spaceId, signal),
    loadMarkdownToRichtext(),
  ])
  const changeSetId = body.changeSetId ?? randomUUID()
  const result = applyChanges({
    content: story.content,
    components,
    changes: body.changes,
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
  const saved = await storyblok.updateStory(spaceId, storyId, result.content, {
    publish: body.publish === true,
    signal,
  })
  // The audit line: who (key id, never the key), where, which fields, which model. Values stay out of logs.
  log.info('story write', {
    requestId: c.get('requestId'),
    keyId: c.get('apiKey').id,
    spaceId,
    storyId,
    reason,
    changeSetId,
    fields: result.applied.map((a) => `${a.blockUid}.${fieldKey(a.field, a.language)}`),
    skippedConflicts: result.conflicts.length,
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
    ...(result.conflicts.length ? { conflicts: result.conflicts } : {}),
  }
}
