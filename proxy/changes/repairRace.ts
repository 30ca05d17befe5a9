import type { ChangeSet, Conflict, VersionRef } from '../../shared/contract.ts'
import { splitFieldKey } from '../../shared/fieldKey.ts'
import { isConflict, isInvalid, toConflict } from '../story/changeProblem.ts'
import type { ChangeSetResult } from '../story/writePlan.ts'
import type { Blok, Deps, Story, StoryVersion } from '../deps.ts'

/** How many of the newest versions are looked at after a write: the window is milliseconds wide. */
const RECENT_VERSIONS = 10

export type RaceCheck = {
  spaceId: number
  storyId: number
  releaseId: number | undefined
  /** The story as read right before the write, and as the write saved it. */
  read: Story
  saved: Story
  changes: ChangeSet
  /** Applies the same change set (apply or undo, same history entry) on other content. */
  rerun: (content: Blok, changes: ChangeSet) => ChangeSetResult
  publish: boolean
  signal: AbortSignal
}

export type RaceOutcome =
  | { type: 'clean' }
  | {
      type: 'repaired'
      saved: Story
      /** The change set as applied on the other writer's content (absent when none of it could be kept). */
      result: Extract<ChangeSetResult, { type: 'ok' }> | undefined
      raced: VersionRef & { restored: boolean }
      conflicts: Conflict[]
    }

/**
 * Storyblok has no write precondition, so a save landing between the proxy's read and its PUT is overwritten by the
 * PUT (both get 200). Right after writing, the story's newest versions show whether that happened: a version between
 * the one read and the one written (listed only when the version ids leave room for one). Then the change set is applied once more on that writer's content and written,
 * so their fields come back; a field both changed keeps theirs and is reported as a conflict.
 */
export async function repairRace(
  { storyblok, log }: Pick<Deps, 'storyblok' | 'log'>,
  check: RaceCheck,
): Promise<RaceOutcome> {
  const { spaceId, storyId, releaseId, read, saved, signal } = check
  // Version ids only grow: the id right after the one read means no save landed in between (the common case,
  // so an apply stays one GET and one PUT); any larger gap is looked at.
  if (read.current_version_id !== undefined && saved.current_version_id === read.current_version_id + 1) {
    return { type: 'clean' }
  }
  let versions: StoryVersion[]
  try {
    versions = await storyblok.listVersions(spaceId, storyId, {
      releaseId,
      perPage: RECENT_VERSIONS,
      showContent: true,
      signal,
    })
  } catch (err) {
    // The write itself succeeded; not being able to look is logged, not turned into a failure.
    log.warn('story versions not checked after a write', { spaceId, storyId, code: (err as { code?: string }).code })
    return { type: 'clean' }
  }
  const between = versions.filter((x) => (x.releaseId ?? null) === (releaseId ?? null) && landedBetween(x, read, saved))
  const other = between[0]
  if (!other) return { type: 'clean' }
  const raced = { versionId: other.id, author: other.author, at: other.createdAt }
  if (!other.content)
    return { type: 'repaired', saved, result: undefined, raced: { ...raced, restored: false }, conflicts: [] }

  const conflicts: Conflict[] = []
  let changes = [...check.changes]
  let result = check.rerun(other.content, changes)
  if (result.type === 'refused' && !result.problems.some(isInvalid)) {
    const clash = result.problems.filter(isConflict)
    const keys = new Set(clash.map(keyOf))
    conflicts.push(...clash.map(toConflict))
    changes = changes.filter((c) => !keys.has(keyOf({ ...splitFieldKey(c.field, c.language), blockUid: c.blockUid })))
    result = changes.length > 0 ? check.rerun(other.content, changes) : result
  }
  const ok = result.type === 'ok' ? result : undefined
  if (ok) conflicts.push(...ok.leftAlone.map(toConflict))
  // When none of the change set can be kept on their content, theirs is written back as it was: the change set stays
  // in the proposal and in the versions (the ledger offers to restore it).
  const content = ok ? ok.content : other.content
  const repaired = await storyblok.updateStory(spaceId, storyId, content, { publish: check.publish, signal, releaseId })
  log.warn('story write raced another save; their fields restored', {
    spaceId,
    storyId,
    versionId: other.id,
    conflicts: conflicts.length,
    keptChangeSet: ok !== undefined,
  })
  return { type: 'repaired', saved: repaired, result: ok, raced: { ...raced, restored: true }, conflicts }
}

/** A version saved after the read and before the write: by version id when Storyblok sends it, else by time. */
function landedBetween(x: StoryVersion, read: Story, saved: Story): boolean {
  const from = read.current_version_id
  const to = saved.current_version_id
  if (from !== undefined && to !== undefined) return x.id > from && x.id < to
  return x.createdAt > read.updated_at && x.createdAt < saved.updated_at
}

const keyOf = (c: { blockUid: string; field: string; language?: string | undefined }) =>
  `${c.blockUid}\u0000${c.field}\u0000${c.language ?? 'default'}`
