import { randomUUID } from 'node:crypto'
import type { Context } from 'hono'
import type { AppEnv } from '../http/appEnv.ts'
import type { ChangesBody, ChangesResult } from '../../shared/contract.ts'
import { fieldKey } from '../../shared/fieldKey.ts'
import { loadMarkdownToRichtext } from '../adapters/markdownToRichtext.ts'
import { toConflict } from '../story/changeProblem.ts'
import type { HistoryEntry } from '../story/historyEntry.ts'
import { undoFromSaved } from '../story/undoFromSaved.ts'
import type { ChangeSetInput, ChangeSetResult } from '../story/writePlan.ts'
import type { Deps } from '../deps.ts'
import { storyTooLarge } from '../http/storyTooLarge.ts'
import { refusalError } from './refusalError.ts'
import { isAppError } from '../http/appError.ts'
import { noPermission } from '../session/editorStoryblok.ts'

/**
 * Re-reads the saved story right before writing (schemas come from the adapter's cache), lets `change` (apply or
 * undo) plan the new content, and saves it: one GET and one PUT.
 */
export async function saveChangeSet(
  { storyblok, bedrock, clock, log }: Deps,
  c: Context<AppEnv>,
  body: ChangesBody,
  reason: HistoryEntry['reason'],
  change: (input: ChangeSetInput) => ChangeSetResult,
): Promise<ChangesResult> {
  const { spaceId, storyId } = body
  const signal = c.req.raw.signal
  const [story, components, markdownToRichtext] = await Promise.all([
    storyblok.getStory(spaceId, storyId, signal),
    storyblok.getComponents(spaceId, signal),
    loadMarkdownToRichtext(),
  ])
  const changeSetId = body.changeSetId ?? randomUUID()
  // With a sign-in, the verified Storyblok user; otherwise what the plugin says (the editor's id from the bridge).
  const editor = c.get('editor')
  const result = change({
    content: story.content,
    components,
    changes: body.changes,
    markdownToRichtext,
    ...(body.historyField
      ? {
          history: {
            ...body.historyField,
            entry: {
              id: changeSetId,
              at: new Date(clock.now()).toISOString(),
              userId: editor ? editor.id : (body.userId ?? null),
              ...(editor ? { userName: editor.name } : {}),
              transcript: body.transcript ?? '',
              modelId: bedrock.modelId,
            },
          },
        }
      : {}),
  })
  if (result.type === 'refused') throw refusalError(result.problems)
  if (result.type === 'too_large') throw storyTooLarge(result.bytes)
  const saved = await storyblok
    .updateStory(spaceId, storyId, result.content, { publish: body.publish === true, signal })
    .catch((err: unknown) => {
      // The editor's role refused: name what they may not change.
      if (editor && isAppError(err) && err.code === 'storyblok_forbidden')
        throw noPermission(true, err, { story: story.name, contentType: story.content.component })
      throw err
    })
  // The audit line: who (key id, never the key), where, which fields, which model. Values stay out of logs.
  log.info('story write', {
    requestId: c.get('requestId'),
    keyId: c.get('apiKey').id,
    ...(editor ? { userId: editor.id, userName: editor.name } : {}),
    spaceId,
    storyId,
    reason,
    changeSetId,
    fields: result.applied.map((a) => `${a.blockUid}.${fieldKey(a.field, a.language)}`),
    skippedConflicts: result.leftAlone.length,
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
    ...(result.leftAlone.length ? { conflicts: result.leftAlone.map(toConflict) } : {}),
  }
}
