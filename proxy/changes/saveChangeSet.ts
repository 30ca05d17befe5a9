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
import { repairRace } from './repairRace.ts'
import type { Blok } from '../deps.ts'
import type { ChangeSet } from '../../shared/contract.ts'
import { isAppError } from '../http/appError.ts'
import { noPermission } from '../session/editorStoryblok.ts'

/**
 * Re-reads the saved story right before writing (schemas come from the adapter's cache), lets `change` (apply or
 * undo) plan the new content and saves it: one GET and one PUT. When the saved version id leaves room for another
 * save in between, the newest versions are listed (one more GET) and such a save is restored by one more PUT. With
 * a `releaseId`, all of it happens in that release's copy of the story.
 */
export async function saveChangeSet(
  { storyblok, bedrock, clock, log, config }: Deps,
  c: Context<AppEnv>,
  body: ChangesBody,
  reason: HistoryEntry['reason'],
  change: (input: ChangeSetInput) => ChangeSetResult,
  /** Runs right before the PUT and throws when this write may no longer happen (the story lock lapsed). */
  beforeWrite: () => Promise<void> = async () => {},
): Promise<ChangesResult> {
  const { spaceId, storyId } = body
  const releaseId = body.releaseId || undefined
  const signal = c.req.raw.signal
  const [story, components, markdownToRichtext] = await Promise.all([
    storyblok.getStory(spaceId, storyId, signal, { releaseId }),
    storyblok.getComponents(spaceId, signal),
    loadMarkdownToRichtext(),
  ])
  const changeSetId = body.changeSetId ?? randomUUID()
  const requestId = c.get('requestId')
  const keyId = c.get('apiKey').id
  // With a sign-in, the verified Storyblok user (a fact); otherwise what the plugin says (a claim).
  const editor = c.get('editor')
  const changeOn = (content: Blok, changes: ChangeSet) =>
    change({
      content,
      components,
      changes,
      markdownToRichtext,
      ...(body.historyField
        ? {
            history: {
              ...body.historyField,
              fieldType: config.authority.pluginFieldType,
              entry: {
                id: changeSetId,
                at: new Date(clock.now()).toISOString(),
                // A claim unless a sign-in verified it (then userName is set too).
                userId: editor ? editor.id : (body.userId ?? null),
                ...(editor ? { userName: editor.name } : {}),
                // A claim: the client says so; the proxy cannot check it.
                transcript: body.transcript ?? '',
                // Facts: what this proxy knows itself.
                modelId: bedrock.modelId,
                keyId,
                requestId,
              },
            },
          }
        : {}),
    })
  let result = changeOn(story.content, body.changes)
  if (result.type === 'refused') throw refusalError(result.problems)
  if (result.type === 'too_large') throw storyTooLarge(result.bytes)
  const publish = body.publish === true
  await beforeWrite()
  let saved = await storyblok
    .updateStory(spaceId, storyId, result.content, { publish, signal, releaseId })
    .catch((err: unknown) => {
      // The editor's role refused: name what they may not change.
      if (editor && isAppError(err) && err.code === 'storyblok_forbidden')
        throw noPermission(true, err, { story: story.name, contentType: story.content.component })
      throw err
    })
  // The repair's PUT is a write too: it checks the story lock first as well.
  const fenced: typeof storyblok = Object.assign(Object.create(storyblok) as typeof storyblok, {
    updateStory: async (...args: Parameters<typeof storyblok.updateStory>) => {
      await beforeWrite()
      return storyblok.updateStory(...args)
    },
  })
  const race = await repairRace(
    { storyblok: fenced, log },
    { spaceId, storyId, releaseId, read: story, saved, changes: body.changes, rerun: changeOn, publish, signal },
  )
  let conflicts = result.leftAlone.map(toConflict)
  if (race.type === 'repaired') {
    saved = race.saved
    conflicts = race.conflicts
    result = race.result ?? { ...result, applied: [], undo: [] }
  }
  // The audit line: facts (key id, never the key; request id; where; which fields; which model) and, apart, what the
  // client claims (its user id, a transcript). Values stay out of logs.
  log.info('story write', {
    requestId,
    keyId,
    ...(editor ? { userId: editor.id, userName: editor.name } : {}),
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
    claims: { userId: body.userId ?? null, transcriptChars: (body.transcript ?? '').length },
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
