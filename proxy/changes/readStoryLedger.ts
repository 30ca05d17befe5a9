import type { LedgerBody, LedgerResult } from '../../shared/contract.ts'
import { AppError } from '../http/appError.ts'
import { readLedger } from '../story/readLedger.ts'
import { findBlok } from '../story/walkBloks.ts'
import type { Deps } from '../deps.ts'

/**
 * How many of the newest versions are read (with content). Every write also carries the field's whole history, so
 * older change sets are still found in the newer versions unless a stale save dropped them that long ago.
 */
const LEDGER_VERSIONS = 50

/** The assistant's change sets of one story (of one release), from Storyblok's story versions. */
export async function readStoryLedger(
  { storyblok, config }: Pick<Deps, 'storyblok' | 'config'>,
  body: LedgerBody,
  signal: AbortSignal,
): Promise<LedgerResult> {
  const { spaceId, storyId, historyField } = body
  const releaseId = body.releaseId || undefined
  const [story, components, versions] = await Promise.all([
    storyblok.getStory(spaceId, storyId, signal, { releaseId }),
    storyblok.getComponents(spaceId, signal),
    storyblok.listVersions(spaceId, storyId, { releaseId, perPage: LEDGER_VERSIONS, showContent: true, signal }),
  ])
  // The proxy signs the undo and restore of what it finds here: only this plugin's own field may be read as the
  // ledger, never a field whose JSON anyone could have typed.
  const target = findBlok(story.content, components, historyField.blockUid)
  const schema = target?.component?.schema[historyField.field]
  if (!target || schema?.type !== 'custom' || schema['field_type'] !== config.authority.pluginFieldType) {
    throw new AppError({
      code: 'bad_request',
      message: `historyField must name a field of this plugin (field type "${config.authority.pluginFieldType}").`,
      hint: 'Set the plugin option historyField to the name of the field that holds this plugin.',
    })
  }
  const own = versions.filter((x) => (x.releaseId ?? null) === (releaseId ?? null))
  return {
    storyId,
    releaseId: releaseId ?? null,
    version: story.updated_at,
    changeSets: readLedger({ versions: own, current: story.content, components, historyField }),
  }
}
