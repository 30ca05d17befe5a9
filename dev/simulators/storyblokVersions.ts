import type { Blok } from '../../proxy/deps.ts'

/**
 * The simulator's story versions (GET /v1/spaces/:space/story_versions, the "new" endpoint), releases and content
 * locks. Shapes follow the public reference; docs/STORYBLOK.md §6 says which details are assumed.
 */

/** A collaborator as `story_versions[].user` shows one. */
export type SimUser = { id: number; firstname: string; lastname: string; friendly_name: string }

export type SimVersion = {
  id: number
  created_at: string
  user_id: number
  user: SimUser
  story_id: number
  status: 'draft' | 'published'
  release_id: number | null
  content: Blok
}

/** Who writes in the simulated space: the token's owner (the proxy), the editor at the screen, a colleague. */
export const DEMO_USERS = {
  token: { id: 4101, firstname: 'Voice', lastname: 'Assistant', friendly_name: 'Voice Assistant (token)' },
  editor: { id: 4102, firstname: 'Erika', lastname: 'Editor', friendly_name: 'Erika Editor' },
  colleague: { id: 4103, firstname: 'Olaf', lastname: 'Colleague', friendly_name: 'Olaf Colleague' },
} as const satisfies Record<string, SimUser>

export type SimRelease = { id: number; name: string }

/** A release's own copy of a story: created from the main draft on its first write in that release. */
export type ReleaseCopy = { content: Blok; updated_at: string; current_version_id: number }

/** Newest first (the order is not documented; the Visual Editor's history panel lists newest first). */
export type VersionQuery = { storyId: number; releaseId?: number; page: number; perPage: number }

/** Versions of every story of one space, plus its releases, release copies and locks. */
export function createVersionStore() {
  const versions = new Map<number, SimVersion[]>()
  const releases = new Map<number, SimRelease>()
  const copies = new Map<string, ReleaseCopy>()
  const locks = new Map<number, SimUser>()
  let nextReleaseId = 7001

  const of = (storyId: number) => versions.get(storyId) ?? []
  return {
    /** Forgets a story's past (setStory): one version holding `content`. */
    reset(storyId: number, first: Omit<SimVersion, 'story_id' | 'release_id' | 'status'>) {
      versions.set(storyId, [{ ...structuredClone(first), story_id: storyId, release_id: null, status: 'draft' }])
      for (const key of [...copies.keys()]) if (key.endsWith(`:${storyId}`)) copies.delete(key)
      locks.delete(storyId)
    },
    /** The next version id of a story: one more than its newest, whichever release it belongs to. */
    nextId(storyId: number, fallback: number): number {
      return Math.max(fallback, ...of(storyId).map((x) => x.id)) + 1
    },
    record(version: SimVersion) {
      versions.set(version.story_id, [...of(version.story_id), structuredClone(version)])
    },
    find(storyId: number, versionId: number): SimVersion | undefined {
      const hit = of(storyId).find((x) => x.id === versionId)
      return hit ? structuredClone(hit) : undefined
    },
    /**
     * The documented filter: with `by_release_id`, versions of that release and those not in any release; without
     * it, all versions (assumed).
     */
    list({ storyId, releaseId, page, perPage }: VersionQuery): { items: SimVersion[]; total: number } {
      const all = of(storyId)
        .filter((x) => releaseId === undefined || x.release_id === null || x.release_id === releaseId)
        .reverse()
      return { items: structuredClone(all.slice((page - 1) * perPage, page * perPage)), total: all.length }
    },
    createRelease(name: string): SimRelease {
      const release = { id: nextReleaseId++, name }
      releases.set(release.id, release)
      return { ...release }
    },
    hasRelease: (releaseId: number) => releases.has(releaseId),
    copy: (releaseId: number, storyId: number) => copies.get(`${releaseId}:${storyId}`),
    setCopy: (releaseId: number, storyId: number, copy: ReleaseCopy) =>
      void copies.set(`${releaseId}:${storyId}`, copy),
    lock: (storyId: number, by: SimUser | null) => void (by ? locks.set(storyId, { ...by }) : locks.delete(storyId)),
    lockedBy: (storyId: number) => locks.get(storyId),
  }
}

export type VersionStore = ReturnType<typeof createVersionStore>
