import type { Clock, Storyblok, Story, StoryTarget } from '../deps.ts'
import { BoundedMap } from '../boundedMap.ts'

export type StoryReads = {
  /** The saved story for a conversation turn: shared by concurrent turns and re-used for `ttlMs`. */
  get(spaceId: number, storyId: number, signal: AbortSignal, at?: StoryTarget): Promise<Story>
}

/**
 * Conversation turns only need a recent copy of the story: the apply re-reads it right before writing and reports
 * every field that changed since as a conflict. Sharing one read between turns keeps a busy space under Storyblok's
 * 3–6 requests per second (200 editors' turns on one story cost one GET, not 200).
 */
export function createStoryReads({
  storyblok,
  clock,
  ttlMs = 2_000,
}: {
  storyblok: Pick<Storyblok, 'getStory'>
  clock: Clock
  ttlMs?: number
}): StoryReads {
  type Entry = { at: number; settled: boolean; story: Promise<Story> }
  const entries = new BoundedMap<string, Entry>(1024)
  // A read still in flight is always shared; a finished one for ttlMs.
  const fresh = (e: Entry) => !e.settled || clock.now() - e.at < ttlMs
  return {
    get(spaceId, storyId, signal, at) {
      const key = `${spaceId}:${storyId}:${at?.releaseId ?? ''}`
      let entry = entries.get(key)
      if (!entry || !fresh(entry)) {
        // Not tied to one caller's signal: a turn that is cancelled must not fail the others sharing the read.
        const created: Entry = {
          at: clock.now(),
          settled: false,
          story: storyblok.getStory(spaceId, storyId, undefined, at),
        }
        created.story.then(
          () => (created.settled = true),
          () => {
            created.settled = true
            if (entries.get(key) === created) entries.delete(key)
          },
        )
        for (const [k, e] of entries) if (!fresh(e)) entries.delete(k)
        entries.set(key, created)
        entry = created
      }
      return abortable(entry.story, signal)
    },
  }
}

function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    work.then(
      (v) => (signal.removeEventListener('abort', onAbort), resolve(v)),
      (e) => (signal.removeEventListener('abort', onAbort), reject(e)),
    )
  })
}
