import type { StoryblokAdapter } from './adapters/storyblok.ts'
import type { Bedrock, Credentials, Transcribe, TranscribeSession } from './deps.ts'

/**
 * Ports whose adapter (and SDK) is imported on first use: the AWS and Storyblok SDKs cost ~200 ms of start-up
 * under tsx that /health never needs (issue 8, P5). Each wrapper awaits `load()` once; the ports do not change.
 */

/** Runs `load` once and shares its promise; a failed load is tried again by the next caller. */
export function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined
  return () =>
    (loading ??= load().catch((err: unknown) => {
      loading = undefined
      throw err
    }))
}

export function lazyBedrock(
  { modelId, modelFamily, region }: { modelId: string; modelFamily?: string | undefined; region: string },
  load: () => Promise<Bedrock>,
): Bedrock {
  const get = once(load)
  return {
    modelId,
    ...(modelFamily ? { modelFamily } : {}),
    region,
    async *stream(request, signal) {
      yield* (await get()).stream(request, signal)
    },
    async converse(request, signal) {
      return (await get()).converse(request, signal)
    },
  }
}

export function lazyStoryblok(load: () => Promise<StoryblokAdapter>): StoryblokAdapter {
  const get = once(load)
  return {
    getStory: async (spaceId, storyId, signal, at) => (await get()).getStory(spaceId, storyId, signal, at),
    getComponents: async (spaceId, signal) => (await get()).getComponents(spaceId, signal),
    updateStory: async (spaceId, storyId, content, options) =>
      (await get()).updateStory(spaceId, storyId, content, options),
    findStoryBySlug: async (spaceId, slug, signal) => (await get()).findStoryBySlug(spaceId, slug, signal),
    listVersions: async (spaceId, storyId, options) => (await get()).listVersions(spaceId, storyId, options),
  }
}

export function lazyCredentials(load: () => Promise<Credentials>): Credentials {
  const get = once(load)
  return { check: async () => (await get()).check() }
}

/**
 * `start()` must answer synchronously, so the session it returns holds audio (and `end()`) until the real one
 * exists; the real one starts as soon as the adapter has loaded, whether or not `events` is read yet.
 */
export function lazyTranscribe(load: () => Promise<Transcribe>): Transcribe {
  const get = once(load)
  return {
    start(options) {
      let inner: TranscribeSession | undefined
      const held: Uint8Array[] = []
      let ended = false
      const ready = get().then((transcribe) => {
        inner = transcribe.start(options)
        for (const chunk of held.splice(0)) inner.write(chunk)
        if (ended) inner.end()
        return inner
      })
      // A failed load surfaces through `events`; unread, it must not become an unhandled rejection.
      ready.catch(() => {})
      return {
        write(chunk) {
          if (inner) inner.write(chunk)
          else held.push(chunk)
        },
        end() {
          if (inner) inner.end()
          else ended = true
        },
        events: (async function* () {
          yield* (await ready).events
        })(),
      }
    },
  }
}
