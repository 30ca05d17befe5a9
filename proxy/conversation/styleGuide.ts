import { AppError } from '../http/appError.ts'
import { styleGuideText, truncateStyleGuide, STYLE_GUIDE_MAX_CHARS } from '../story/styleGuideText.ts'
import type { Clock, Log, Storyblok } from '../deps.ts'
import { BoundedMap } from '../boundedMap.ts'
import { isRecord } from '../../shared/isRecord.ts'

export type StyleGuide =
  | {
      status: 'ok'
      slug: string
      storyId: number
      name: string
      text: string
      truncated: boolean
      originalChars: number
      updatedAt: string
      /** Who saved the guide last (Storyblok's `last_author`), when the story says. */
      lastAuthor?: string
    }
  | { status: 'missing'; slug: string }
  | { status: 'unavailable'; slug: string; message: string }

type Entry = { guide: StyleGuide; fetchedAt: number }

export type StyleGuides = {
  /** The brand style guide for a space; never throws — a missing or unreadable guide must not block work. */
  load(spaceId: number, slug: string, signal?: AbortSignal): Promise<StyleGuide>
}

/**
 * Reads the style-guide story through the Management API and caches it per space and slug for `ttlMs`; after that
 * it is read again and replaced when its `updated_at` changed.
 */
export function createStyleGuides({
  storyblok,
  clock,
  log,
  ttlMs = 60_000,
  maxChars = STYLE_GUIDE_MAX_CHARS,
}: {
  storyblok: Pick<Storyblok, 'findStoryBySlug'>
  clock: Clock
  log: Log
  ttlMs?: number
  maxChars?: number
}): StyleGuides {
  const cache = new BoundedMap<string, Entry>(256)
  const inFlight = new Map<string, Promise<StyleGuide>>()

  async function fetchGuide(spaceId: number, slug: string, signal?: AbortSignal): Promise<StyleGuide> {
    if (!storyblok.findStoryBySlug)
      return { status: 'unavailable', slug, message: 'This Storyblok adapter cannot look up stories by slug.' }
    try {
      const story = await storyblok.findStoryBySlug(spaceId, slug, signal)
      if (!story) return { status: 'missing', slug }
      const previous = cache.get(`${spaceId}:${slug}`)?.guide
      if (previous?.status === 'ok' && previous.updatedAt === story.updated_at) return previous
      const plain = styleGuideText(story.content)
      const { text, truncated } = truncateStyleGuide(plain, maxChars)
      const lastAuthor = authorOf(story['last_author'])
      return {
        status: 'ok',
        slug,
        storyId: story.id,
        name: story.name,
        text,
        truncated,
        originalChars: [...plain].length,
        updatedAt: story.updated_at,
        ...(lastAuthor ? { lastAuthor } : {}),
      }
    } catch (err) {
      if (err instanceof AppError && err.code === 'storyblok_not_found') return { status: 'missing', slug }
      log.warn('style guide unavailable', { spaceId, slug, code: err instanceof AppError ? err.code : 'unknown' })
      return {
        status: 'unavailable',
        slug,
        message: err instanceof AppError ? err.message : 'The style guide could not be read.',
      }
    }
  }

  return {
    async load(spaceId, slug, signal) {
      const key = `${spaceId}:${slug}`
      const hit = cache.get(key)
      if (hit && clock.now() - hit.fetchedAt < ttlMs) return hit.guide
      const pending = inFlight.get(key) ?? fetchGuide(spaceId, slug, signal)
      inFlight.set(key, pending)
      try {
        const guide = await pending
        // Failures are not cached: the next request tries again.
        if (guide.status !== 'unavailable') cache.set(key, { guide, fetchedAt: clock.now() })
        return guide
      } finally {
        inFlight.delete(key)
      }
    },
  }
}

/** Storyblok's `last_author` ({friendly_name, userid, id}) as a name to show; nothing when absent or odd. */
function authorOf(value: unknown): string | undefined {
  if (!isRecord(value)) return undefined
  const name = [value['friendly_name'], value['userid']].find((n) => typeof n === 'string' && n.trim() !== '')
  return typeof name === 'string' ? name.trim().slice(0, 100) : undefined
}
