import { createManagementApiClient } from '@storyblok/management-api-client'
import { getManagementBaseUrl, getRegion, type Region } from '@storyblok/region-helper'
import * as v from 'valibot'
import { AppError } from '../http/appError.ts'
import { storyTooLarge } from '../http/storyTooLarge.ts'
import { MAX_STORY_BYTES } from '../story/maxStoryBytes.ts'
import type { Clock, Component, Log, Story, Storyblok, StoryTarget, StoryVersion } from '../deps.ts'
import type { StoryblokOp } from './storyblokErrors.ts'
import { withRetries, type AttemptOptions, type MapiAttempt, type RetryPolicy } from './storyblokRetry.ts'
import { BoundedMap } from '../boundedMap.ts'

export type StoryblokRetryOptions = {
  /** Retries after the first attempt (429, 5xx, network, timeout; PUT only on 429). @default 3 */
  limit?: number
  /** Total time for all attempts and waits of one call. @default 10_000 */
  budgetMs?: number
  /** First backoff when no Retry-After is given; doubles per retry, half of it jittered. @default 300 */
  baseDelayMs?: number
}

export type CreateStoryblokOptions = {
  /** Scoped personal access token: sent bare in `Authorization`. */
  personalAccessToken?: string
  /** OAuth token: sent as `Bearer <token>`. */
  oauthToken?: string
  /** Management API origin without `/v1` (the simulator in tests). Default: by the space id's region. */
  baseUrl?: string
  /** Used for every request instead of `globalThis.fetch`. */
  fetch?: typeof globalThis.fetch
  /** Component schemas are cached per space this long. @default 60_000 */
  schemaTtlMs?: number
  /** Time source for the schema cache. @default Date.now */
  clock?: Clock
  /** Per attempt. @default 8_000 */
  timeoutMs?: number
  retry?: StoryblokRetryOptions
  /** Client-side throttle per space in requests per second (`false`: off). @default 6 (the client's default) */
  rateLimit?: number | false
  /**
   * Waits for this space's next request slot (shared by all instances, proxy/state/storyblokPacer.ts) before every
   * attempt, or throws `storyblok_rate_limited`. When set, the client's own throttle is off.
   */
  pace?: (spaceId: number, signal?: AbortSignal) => Promise<void>
  /** Retries and recovered PUTs are logged here (never the token). */
  log?: Log
  /** For jitter. @default Math.random */
  random?: () => number
}

/** The `Storyblok` port, with the optional slug lookup always present. */
export type StoryblokAdapter = Storyblok & Required<Pick<Storyblok, 'findStoryBySlug'>>

const StorySchema = v.looseObject({
  id: v.number(),
  name: v.string(),
  slug: v.string(),
  full_slug: v.optional(v.string()),
  updated_at: v.string(),
  current_version_id: v.optional(v.number()),
  content: v.looseObject({ _uid: v.optional(v.string(), ''), component: v.string() }),
})
const Content = v.looseObject({ _uid: v.optional(v.string(), ''), component: v.string() })
const VersionsReply = v.object({
  story_versions: v.array(
    v.looseObject({
      id: v.number(),
      created_at: v.string(),
      user_id: v.optional(v.nullable(v.number())),
      user: v.optional(
        v.nullable(
          v.looseObject({
            friendly_name: v.optional(v.nullable(v.string())),
            firstname: v.optional(v.nullable(v.string())),
            lastname: v.optional(v.nullable(v.string())),
          }),
        ),
      ),
      release_id: v.optional(v.nullable(v.number())),
      status: v.optional(v.nullable(v.string())),
      content: v.optional(v.nullable(Content)),
    }),
  ),
})
const StoryReply = v.object({ story: StorySchema })
const StoryList = v.object({ stories: v.array(v.looseObject({ id: v.number(), full_slug: v.optional(v.string()) })) })
const ComponentsReply = v.object({
  components: v.array(
    v.looseObject({
      name: v.string(),
      display_name: v.optional(v.nullable(v.string())),
      is_root: v.optional(v.boolean()),
      is_nestable: v.optional(v.boolean()),
      schema: v.optional(v.record(v.string(), v.looseObject({ type: v.string() })), {}),
    }),
  ),
})

/**
 * The Storyblok port on `@storyblok/management-api-client` 0.7.0: one client per space (region from the space id),
 * the client's own 12-retry/30 s policy replaced by a bounded one, responses validated, failures mapped to AppError.
 */
export function createStoryblok(opts: CreateStoryblokOptions): StoryblokAdapter {
  const {
    personalAccessToken,
    oauthToken,
    baseUrl,
    fetch,
    schemaTtlMs = 60_000,
    clock = { now: Date.now },
    timeoutMs = 8_000,
    pace,
    log,
    random = Math.random,
  } = opts
  const rateLimit = pace ? false : opts.rateLimit
  const { limit = 3, budgetMs = 10_000, baseDelayMs = 300 } = opts.retry ?? {}
  const auth = personalAccessToken ? { personalAccessToken } : { oauthToken: oauthToken ?? '' }
  // Bounded: a key holder may name any space id; each client holds its own connection pool and limiter.
  const clients = new BoundedMap<number, { mapi: ReturnType<typeof newClient>; region: Region; origin: string }>(64)
  const schemas = new BoundedMap<number, { at: number; components: Promise<Component[]> }>(64)

  function newClient(spaceId: number, region: Region) {
    return createManagementApiClient({
      ...auth,
      spaceId,
      region,
      ...(baseUrl ? { baseUrl } : {}),
      throwOnError: false,
      timeout: timeoutMs,
      retry: { limit: 0 }, // withRetries owns retrying: it knows PUT semantics and the time budget
      ...(rateLimit !== undefined ? { rateLimit } : {}),
    })
  }

  function clientFor(spaceId: number) {
    // Without a token the proxy still boots (conversation works); every Storyblok call says what to set.
    if (!personalAccessToken && !oauthToken) {
      throw new AppError({
        code: 'not_configured',
        message: 'No Storyblok token is configured, so stories cannot be read or written.',
        hint: 'Set STORYBLOK_TOKEN to a scoped personal access token with stories read/write for your space, then restart the proxy.',
      })
    }
    let c = clients.get(spaceId)
    if (!c) {
      const region = getRegion(spaceId) ?? 'eu'
      c = { mapi: newClient(spaceId, region), region, origin: baseUrl ?? getManagementBaseUrl(region) }
      clients.set(spaceId, c)
    }
    return c
  }

  const policy: RetryPolicy = { limit, budgetMs, baseDelayMs, timeoutMs, random, fetch, log }
  const run = (
    op: StoryblokOp,
    call: (options: AttemptOptions) => Promise<MapiAttempt>,
    options?: { signal?: AbortSignal | undefined; write?: boolean },
  ) =>
    withRetries(
      { ...op, origin: clientFor(op.spaceId).origin },
      call,
      pace ? { ...policy, beforeAttempt: (signal) => pace(op.spaceId, signal) } : policy,
      options,
    )

  async function getStory(spaceId: number, storyId: number, signal?: AbortSignal, at?: StoryTarget): Promise<Story> {
    const { mapi, region } = clientFor(spaceId)
    const op = { action: 'reading the story', spaceId, storyId, region }
    const query = at?.releaseId === undefined ? {} : { query: { release_id: at.releaseId } }
    const data = await run(op, (o) => mapi.stories.get(storyId, { ...query, ...o }), { signal })
    return parseStory(op, data)
  }

  async function loadComponents(spaceId: number, signal?: AbortSignal): Promise<Component[]> {
    const { mapi, region } = clientFor(spaceId)
    const op = { action: 'listing the component schemas', spaceId, region }
    const data = await run(op, (o) => mapi.components.list(o), { signal })
    const parsed = v.safeParse(ComponentsReply, data)
    if (!parsed.success) throw unexpectedReply(op)
    return parsed.output.components
  }

  return {
    getStory,

    getComponents(spaceId, signal) {
      const cached = schemas.get(spaceId)
      if (cached && clock.now() - cached.at < schemaTtlMs) return cached.components
      const entry = { at: clock.now(), components: loadComponents(spaceId, signal) }
      schemas.set(spaceId, entry)
      // A failed load must not be served from the cache.
      entry.components.catch(() => {
        if (schemas.get(spaceId) === entry) schemas.delete(spaceId)
      })
      return entry.components
    },

    async updateStory(spaceId, storyId, content, { publish = false, signal, releaseId } = {}) {
      const { mapi, region } = clientFor(spaceId)
      const op = { action: 'saving the story', spaceId, storyId, region }
      // Never `force_update`: it overwrites a story another user has locked, and that user's open copy would then
      // conflict with ours.
      const body = { story: { content }, ...(releaseId === undefined ? {} : { release_id: releaseId }) }
      const bytes = Buffer.byteLength(JSON.stringify(body))
      if (bytes > MAX_STORY_BYTES) throw storyTooLarge(bytes)
      const query = publish ? { publish: true } : {}
      try {
        const data = await run(op, (o) => mapi.stories.update(storyId, { body, query, ...o }), { signal, write: true })
        return parseStory(op, data)
      } catch (err) {
        if (err instanceof AppError && isLockRefusal(err)) throw storyLocked(storyId, err)
        if (!(err instanceof AppError) || !['storyblok_unavailable', 'upstream_timeout'].includes(err.code)) throw err
        // A 5xx or a dropped connection does not prove the write failed (storyblok/storyblok#822): look before reporting.
        const saved = await getStory(spaceId, storyId, signal, { releaseId }).catch(() => undefined)
        if (saved && sameContent(content, saved.content)) {
          log?.warn('storyblok write landed despite an error', { spaceId, storyId, code: err.code })
          return saved
        }
        throw new AppError({
          code: err.code,
          message: err.message,
          hint: saved
            ? `${err.hint ?? ''} Your change was not saved.`.trim()
            : 'It is not known whether the change was saved. Reload the story before trying again.',
          cause: err.cause,
        })
      }
    },

    async listVersions(spaceId, storyId, { releaseId, perPage = 25, showContent = false, signal } = {}) {
      const { mapi, region } = clientFor(spaceId)
      const op = { action: 'listing the story versions', spaceId, storyId, region }
      const query = {
        by_story_id: storyId,
        per_page: Math.min(100, Math.max(1, perPage)),
        ...(releaseId === undefined ? {} : { by_release_id: releaseId }),
        ...(showContent ? { show_content: true } : {}),
      }
      const path = `/v1/spaces/${spaceId}/story_versions`
      const data = await run(op, (o) => mapi.get(path, { query, ...o }), { signal })
      const parsed = v.safeParse(VersionsReply, data)
      if (!parsed.success) throw unexpectedReply(op)
      return parsed.output.story_versions.map((x): StoryVersion => ({
        id: x.id,
        createdAt: x.created_at,
        userId: x.user_id ?? null,
        author: x.user?.friendly_name || [x.user?.firstname, x.user?.lastname].filter(Boolean).join(' ') || null,
        releaseId: x.release_id ?? null,
        status: x.status ?? null,
        ...(x.content ? { content: x.content } : {}),
      }))
    },

    async findStoryBySlug(spaceId, slug, signal) {
      const { mapi, region } = clientFor(spaceId)
      const fullSlug = slug.replace(/^\/+|\/+$/g, '')
      const op = { action: `looking up "${fullSlug}"`, spaceId, region }
      const data = await run(op, (o) => mapi.stories.list({ query: { with_slug: fullSlug }, ...o }), { signal })
      const parsed = v.safeParse(StoryList, data)
      if (!parsed.success) throw unexpectedReply(op)
      const hit = parsed.output.stories.find((s) => s.full_slug === undefined || s.full_slug === fullSlug)
      return hit ? getStory(spaceId, hit.id, signal) : null
    },
  }
}

function parseStory(op: StoryblokOp, data: unknown): Story {
  const parsed = v.safeParse(StoryReply, data)
  if (!parsed.success) throw unexpectedReply(op)
  return parsed.output.story
}

/**
 * Storyblok documents `force_update` for locked stories but not the refusal itself: a 422 whose message speaks of a
 * lock is taken as one (docs/STORYBLOK.md §6).
 */
function isLockRefusal(err: AppError): boolean {
  return err.code === 'storyblok_rejected' && /\block(ed)?\b/i.test(err.message)
}

function storyLocked(storyId: number, err: AppError): AppError {
  return new AppError({
    code: 'story_locked',
    message: `Story ${storyId} is locked in Storyblok: someone else is editing it, so the assistant did not save.`,
    hint: 'Nothing was saved and your proposal is kept. Apply again once the other editor has closed the story.',
    cause: err.cause,
  })
}

function unexpectedReply(op: StoryblokOp): AppError {
  return new AppError({
    code: 'storyblok_unavailable',
    message: `Storyblok sent an unexpected reply while ${op.action}.`,
    hint: 'Check STORYBLOK_API_URL points at the Management API (no /v1 suffix), then try again.',
  })
}

/** Deep equality, ignoring `_uid`s Storyblok added to bloks we sent without one. */
function sameContent(sent: unknown, saved: unknown): boolean {
  if (Array.isArray(sent)) {
    return Array.isArray(saved) && sent.length === saved.length && sent.every((x, i) => sameContent(x, saved[i]))
  }
  if (typeof sent === 'object' && sent !== null) {
    if (typeof saved !== 'object' || saved === null || Array.isArray(saved)) return false
    const a = Object.entries(sent)
    const b = new Map(Object.entries(saved))
    const extra = [...b.keys()].filter((k) => !(k in sent) && !(k === '_uid'))
    return extra.length === 0 && a.every(([k, x]) => sameContent(x, b.get(k)))
  }
  return Object.is(sent, saved)
}
