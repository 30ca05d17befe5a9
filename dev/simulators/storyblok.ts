import type http from 'node:http'
import type http2 from 'node:http2'
import type { Blok, Component, Story } from '../../proxy/deps.ts'
import { listen, readBody, writeHead } from './listen.ts'
import { findBlock, isBlok, isRecord, validateContent, withUids } from './storyblokContent.ts'
import { storyblokDemoSeed, type SeedStory, type StoryblokSeed, type TokenGrant } from './storyblokSeed.ts'
import {
  createVersionStore,
  DEMO_USERS,
  type SimRelease,
  type SimUser,
  type SimVersion,
  type VersionStore,
} from './storyblokVersions.ts'

export * from './storyblokSeed.ts'
export * from './storyblokVersions.ts'
export { findBlock } from './storyblokContent.ts'

/**
 * In-memory Storyblok Management API on 127.0.0.1 for tests, the playground and the browser suites.
 *
 * Routes: GET/PUT /v1/spaces/:space/stories/:id (`release_id` on both), GET /v1/spaces/:space/stories (with_slug,
 * by_slugs, starts_with; no content, like the real list), GET /v1/spaces/:space/components,
 * GET /v1/spaces/:space/story_versions (by_story_id, by_release_id, page, per_page ≤ 100, show_content) and
 * GET /v1/spaces/:space/stories/:id/restore_with?version=.
 * Behaviour reproduced from the reference (§6): bare PAT vs `Bearer` OAuth header, 401/403/404 bodies, a fixed
 * 1 s per-token rate limit with Storyblok's 429 body, Rails-style 422s (numbers as strings, content-type root,
 * 5 MB story), `updated_at` strictly increasing per save, `current_version_id` incremented. Every save records a
 * version (author: the token's user, or the human editor for editField/saveContent/afterNextGet); a release keeps
 * its own copy of a story; a story locked by another user refuses a PUT without `force_update` (422, assumed).
 */

export type SimStory = Story & {
  uuid: string
  full_slug: string
  parent_id: number | null
  created_at: string
  published_at: string | null
  first_published_at: string | null
  published: boolean
  unpublished_changes: boolean
  current_version_id: number
  is_folder: false
  /** Who saved last (the token's user; absent for seeded stories). */
  last_author?: { id: number; userid: string; friendly_name: string }
}

export type SimSpace = { id: number; components: Component[]; stories: Map<number, SimStory>; versions: VersionStore }

export type RecordedRequest = {
  method: string
  path: string
  query: Record<string, string>
  /** Request headers without `authorization` (the token never lands in test output). */
  headers: Record<string, string>
  /** How the caller authenticated: 'pat' (bare), 'oauth' (Bearer), 'missing' or 'invalid'. */
  auth: 'pat' | 'oauth' | 'missing' | 'invalid'
  /** Parsed JSON body, or the raw text when it is not JSON, or undefined. */
  body: unknown
  /** Status sent back; 0 while pending, -1 when the socket was destroyed or the request hung. */
  status: number
}

/** One-shot failure modes. `afterWrite` faults let a PUT save first, then fail (the storyblok/storyblok#822 case). */
export type Fault =
  | { type: 'status'; status: number; body?: unknown; retryAfterSeconds?: number; afterWrite?: boolean }
  | { type: 'hang' }
  | { type: 'reset'; afterWrite?: boolean }

export type FaultMatch = {
  /** How many matching requests fail (default 1). */
  times?: number
  method?: 'GET' | 'PUT'
  /** Substring or pattern matched against the path. */
  path?: string | RegExp
}

export type StoryblokSimulatorOptions = {
  /** Spaces, stories and tokens; default `storyblokDemoSeed()`. */
  seed?: StoryblokSeed
  /** Requests per second per token, fixed 1 s window (Storyblok paid plans: 6, Starter: 3). */
  rateLimitPerSecond?: number
  /** When set, 429 replies carry `Retry-After` (Storyblok does not document one). */
  rateLimitRetryAfterSeconds?: number
  /** Time source for the rate-limit window and `updated_at`. */
  now?: () => number
}

export type StoryblokSimulator = {
  url: string
  close(): Promise<void>
  /** Every request in arrival order. */
  readonly requests: RecordedRequest[]
  clearRequests(): void
  /** Requests matching method and (optionally) a path substring/pattern. */
  requestsTo(method: string, path?: string | RegExp): RecordedRequest[]
  readonly spaces: Map<number, SimSpace>
  readonly tokens: TokenGrant[]
  rateLimitPerSecond: number
  rateLimitRetryAfterSeconds: number | undefined
  faults: {
    /** Delay before every reply. */
    latencyMs: number
    /** Queue a one-shot fault for the next matching request(s). */
    next(fault: Fault, match?: FaultMatch): void
    /**
     * Right after the next GET of this story is answered, `edit` runs as a human save (new updated_at and version),
     * so a write based on that read races a concurrent edit.
     */
    afterNextGet(spaceId: number, storyId: number, edit: (content: Blok) => void): void
    /**
     * Holds the next PUT of this story until `release()`: `arrived` resolves when it is in, so another writer (a
     * second proxy instance) can read and write meanwhile.
     */
    holdNextPut(spaceId: number, storyId: number): { arrived: Promise<void>; release(): void }
    clear(): void
  }
  /** Deep copy of the saved story (of a release: its copy, or the main draft while it has none), or undefined. */
  getStory(spaceId: number, storyId: number, at?: { releaseId?: number }): SimStory | undefined
  /**
   * Inserts or replaces a story as is (no validation, no version bump unless `touch`). Its version list restarts
   * with one version holding this content; release copies and a lock of it are dropped.
   */
  setStory(spaceId: number, story: SeedStory | SimStory, options?: { touch?: boolean }): SimStory
  /** A human edit in the Visual Editor followed by Save: sets one field of one block, bumps updated_at/version. */
  editField(spaceId: number, storyId: number, blockUid: string, field: string, value: unknown, as?: HumanSave): SimStory
  /**
   * The Visual Editor's Save: the whole content of the copy it has open goes back as is, however old that copy is
   * (this is how a save after an API write reverts it).
   */
  saveContent(spaceId: number, storyId: number, content: Blok, as?: HumanSave): SimStory
  /** The story's versions, newest first, with content (all releases unless `releaseId` filters like the API). */
  versions(spaceId: number, storyId: number, at?: { releaseId?: number }): SimVersion[]
  createRelease(spaceId: number, name: string): SimRelease
  /** Content locking: another user has the story open; a PUT without force_update is refused. null unlocks. */
  lockStory(spaceId: number, storyId: number, by: SimUser | null): void
}

/** Who saves, and where: default the editor at the screen, in the main draft. */
export type HumanSave = { user?: SimUser; releaseId?: number }

const MAX_REQUEST_BYTES = 20 * 1024 * 1024

type Req = http.IncomingMessage | http2.Http2ServerRequest
type Res = http.ServerResponse | http2.Http2ServerResponse
type QueuedFault = { fault: Fault; match: FaultMatch; left: number }
type Reply = { status: number; body?: unknown; headers?: Record<string, string> }

export async function startStoryblokSimulator(opts: StoryblokSimulatorOptions = {}): Promise<StoryblokSimulator> {
  const { seed = storyblokDemoSeed(), now = Date.now } = opts
  const spaces = new Map<number, SimSpace>()
  const requests: RecordedRequest[] = []
  const queued: QueuedFault[] = []
  const afterGet: Array<{ spaceId: number; storyId: number; edit: (content: Blok) => void }> = []
  type Hold = { spaceId: number; storyId: number; arrive: () => void; released: Promise<void>; release: () => void }
  const holds: Hold[] = []
  const userOf = (grant: TokenGrant): SimUser => grant.user ?? DEMO_USERS.token
  const windows = new Map<string, { second: number; count: number }>()
  let lastSaveMs = 0

  const nextTimestamp = () => {
    lastSaveMs = Math.max(now(), lastSaveMs + 1)
    return new Date(lastSaveMs).toISOString()
  }

  const toSimStory = (s: SeedStory | SimStory): SimStory => {
    const copy = structuredClone(s)
    return {
      ...copy,
      updated_at: 'updated_at' in copy && typeof copy.updated_at === 'string' ? copy.updated_at : nextTimestamp(),
      published: 'published' in copy ? copy.published : copy.published_at !== null,
      unpublished_changes: 'unpublished_changes' in copy ? copy.unpublished_changes : false,
      current_version_id: 'current_version_id' in copy ? copy.current_version_id : 1000 + (copy.id % 1000),
      is_folder: false,
    }
  }

  const firstVersion = (space: SimSpace, story: SimStory) =>
    space.versions.reset(story.id, {
      id: story.current_version_id,
      created_at: story.updated_at,
      user_id: DEMO_USERS.editor.id,
      user: DEMO_USERS.editor,
      content: story.content,
    })

  for (const sp of seed.spaces) {
    const space: SimSpace = {
      id: sp.spaceId,
      components: structuredClone(sp.components),
      stories: new Map(),
      versions: createVersionStore(),
    }
    spaces.set(sp.spaceId, space)
    for (const s of sp.stories) {
      const story = toSimStory(s)
      space.stories.set(s.id, story)
      firstVersion(space, story)
    }
  }

  const requireSpace = (spaceId: number): SimSpace => {
    const space = spaces.get(spaceId)
    if (!space) throw new Error(`simulator: no space ${spaceId}`)
    return space
  }

  const requireStory = (spaceId: number, storyId: number): SimStory => {
    const story = spaces.get(spaceId)?.stories.get(storyId)
    if (!story) throw new Error(`simulator: no story ${storyId} in space ${spaceId}`)
    return story
  }

  /** The story as read in a release: the release's copy over the main story, or the main story itself. */
  const view = (space: SimSpace, story: SimStory, releaseId: number | undefined): SimStory => {
    const copy = releaseId === undefined ? undefined : space.versions.copy(releaseId, story.id)
    return copy ? { ...story, ...structuredClone(copy) } : story
  }

  /** Every save: the new content (of the main draft or of a release's copy) and one version by `user`. */
  const save = (
    space: SimSpace,
    story: SimStory,
    content: Blok,
    { publish = false, user = DEMO_USERS.editor as SimUser, releaseId = undefined as number | undefined } = {},
  ): SimStory => {
    const updatedAt = nextTimestamp()
    const id = space.versions.nextId(story.id, story.current_version_id)
    space.versions.record({
      id,
      created_at: updatedAt,
      user_id: user.id,
      user,
      story_id: story.id,
      status: publish && releaseId === undefined ? 'published' : 'draft',
      release_id: releaseId ?? null,
      content,
    })
    if (releaseId !== undefined) {
      space.versions.setCopy(releaseId, story.id, { content, updated_at: updatedAt, current_version_id: id })
      return view(space, story, releaseId)
    }
    story.content = content
    story.updated_at = updatedAt
    story.current_version_id = id
    story.last_author = { id: user.id, userid: `user${user.id}`, friendly_name: user.friendly_name }
    if (publish) {
      story.published = true
      story.published_at = story.updated_at
      story.first_published_at ??= story.updated_at
      story.unpublished_changes = false
    } else {
      story.unpublished_changes = true
    }
    return story
  }

  const humanSave = (spaceId: number, storyId: number, edit: (content: Blok) => Blok, as: HumanSave = {}) => {
    const space = requireSpace(spaceId)
    const story = requireStory(spaceId, storyId)
    if (as.releaseId !== undefined && !space.versions.hasRelease(as.releaseId)) {
      throw new Error(`simulator: no release ${as.releaseId}`)
    }
    const content = edit(structuredClone(view(space, story, as.releaseId).content))
    return structuredClone(save(space, story, content, { user: as.user ?? DEMO_USERS.editor, releaseId: as.releaseId }))
  }

  const sim: StoryblokSimulator = {
    url: '',
    close: async () => {},
    requests,
    clearRequests: () => void requests.splice(0),
    requestsTo: (method, path) =>
      requests.filter((r) => r.method === method && (path === undefined || matches(r.path, path))),
    spaces,
    tokens: structuredClone(seed.tokens),
    rateLimitPerSecond: opts.rateLimitPerSecond ?? 6,
    rateLimitRetryAfterSeconds: opts.rateLimitRetryAfterSeconds,
    faults: {
      latencyMs: 0,
      next: (fault, match = {}) => void queued.push({ fault, match, left: match.times ?? 1 }),
      afterNextGet: (spaceId, storyId, edit) => void afterGet.push({ spaceId, storyId, edit }),
      holdNextPut: (spaceId, storyId) => {
        let arrive = () => {}
        let release = () => {}
        const arrived = new Promise<void>((r) => (arrive = r))
        const released = new Promise<void>((r) => (release = r))
        holds.push({ spaceId, storyId, arrive, released, release })
        return { arrived, release }
      },
      clear: () => {
        queued.splice(0)
        afterGet.splice(0)
        for (const h of holds.splice(0)) h.release()
        sim.faults.latencyMs = 0
      },
    },
    getStory: (spaceId, storyId, { releaseId } = {}) => {
      const space = spaces.get(spaceId)
      const s = space?.stories.get(storyId)
      return space && s ? structuredClone(view(space, s, releaseId)) : undefined
    },
    setStory: (spaceId, story, { touch = false } = {}) => {
      const space = requireSpace(spaceId)
      const stored = toSimStory(story)
      if (touch) {
        stored.updated_at = nextTimestamp()
        stored.current_version_id += 1
      }
      space.stories.set(stored.id, stored)
      firstVersion(space, stored)
      return structuredClone(stored)
    },
    editField: (spaceId, storyId, blockUid, field, value, as) =>
      humanSave(
        spaceId,
        storyId,
        (content) => {
          const block = findBlock(content, blockUid)
          if (!block) throw new Error(`simulator: no block ${blockUid} in story ${storyId}`)
          block[field] = structuredClone(value)
          return content
        },
        as,
      ),
    saveContent: (spaceId, storyId, content, as) => humanSave(spaceId, storyId, () => structuredClone(content), as),
    versions: (spaceId, storyId, { releaseId } = {}) =>
      requireSpace(spaceId).versions.list({ storyId, releaseId, page: 1, perPage: Number.MAX_SAFE_INTEGER }).items,
    createRelease: (spaceId, name) => requireSpace(spaceId).versions.createRelease(name),
    lockStory: (spaceId, storyId, by) => {
      requireStory(spaceId, storyId)
      requireSpace(spaceId).versions.lock(storyId, by)
    },
  }

  function takeFault(method: string, path: string, phase: 'before' | 'afterWrite'): Fault | undefined {
    for (const q of queued) {
      if (q.match.method !== undefined && q.match.method !== method) continue
      if (q.match.path !== undefined && !matches(path, q.match.path)) continue
      const isAfterWrite = q.fault.type !== 'hang' && q.fault.afterWrite === true
      if (phase === 'afterWrite' ? !isAfterWrite : isAfterWrite) continue
      q.left -= 1
      if (q.left <= 0) queued.splice(queued.indexOf(q), 1)
      return q.fault
    }
    return undefined
  }

  function authenticate(header: string | undefined): { grant?: TokenGrant; auth: RecordedRequest['auth'] } {
    if (!header) return { auth: 'missing' }
    const bearer = /^Bearer (.+)$/.exec(header)
    const token = bearer ? bearer[1] : header
    const grant = sim.tokens.find((t) => t.token === token && t.kind === (bearer ? 'oauth' : 'pat'))
    // An expired or revoked OAuth access token is answered like an unknown one.
    const live = grant && (grant.expiresAt === undefined || now() < grant.expiresAt)
    return grant && live ? { grant, auth: grant.kind } : { auth: 'invalid' }
  }

  function overRateLimit(token: string): boolean {
    const second = Math.floor(now() / 1000)
    const w = windows.get(token)
    if (!w || w.second !== second) {
      windows.set(token, { second, count: 1 })
      return false
    }
    if (w.count >= sim.rateLimitPerSecond) return true
    w.count += 1
    return false
  }

  async function handle(req: Req, res: Res) {
    const url = new URL(req.url ?? '/', 'http://sim')
    const method = req.method ?? 'GET'
    const headers: Record<string, string> = {}
    for (const [k, val] of Object.entries(req.headers)) {
      if (k === 'authorization' || k.startsWith(':') || val === undefined) continue
      headers[k] = Array.isArray(val) ? val.join(', ') : val
    }
    const rawAuth = req.headers.authorization
    const { grant, auth } = authenticate(typeof rawAuth === 'string' ? rawAuth : undefined)
    const rec: RecordedRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      auth,
      body: undefined,
      status: 0,
    }
    requests.push(rec)
    const raw = await readBody(req)
    if (raw.length > 0) {
      const text = raw.toString('utf8')
      try {
        rec.body = JSON.parse(text)
      } catch {
        rec.body = text
      }
    }
    if (sim.faults.latencyMs > 0) await new Promise((r) => setTimeout(r, sim.faults.latencyMs))

    const send = ({ status, body, headers: extra = {} }: Reply) => {
      rec.status = status
      const payload = body === undefined ? '' : JSON.stringify(body)
      writeHead(res, status, { 'content-type': 'application/json; charset=utf-8', ...extra })
      res.end(payload)
    }
    const destroy = () => {
      rec.status = -1
      const socket = 'stream' in res ? res.stream.session?.socket : res.socket
      if ('stream' in res) res.stream.close(2) // INTERNAL_ERROR on h2
      socket?.destroy()
    }

    if (!grant) return send({ status: 401, body: { error: 'Unauthorized' } })
    const m = /^\/v1\/spaces\/(\d+)(\/.*)?$/.exec(url.pathname)
    const spaceId = m ? Number(m[1]) : NaN
    if (m && grant.spaces !== 'all' && !grant.spaces.includes(spaceId)) {
      return send({ status: 403, body: { message: 'Forbidden' } })
    }

    const fault = takeFault(method, url.pathname, 'before')
    if (fault?.type === 'hang') {
      rec.status = -1 // never answered; close() destroys the socket
      return
    }
    if (fault?.type === 'reset') return destroy()
    if (fault?.type === 'status') return send(faultReply(fault))

    if (overRateLimit(grant.token)) {
      const retry = sim.rateLimitRetryAfterSeconds
      return send({
        status: 429,
        body: { error: `Rate limit of ${sim.rateLimitPerSecond} request per second reached. Retry later.` },
        headers: retry === undefined ? {} : { 'retry-after': String(retry) },
      })
    }

    if (raw.length > MAX_REQUEST_BYTES) return send({ status: 413, body: { error: 'Request Entity Too Large' } })
    const space = spaces.get(spaceId)
    const rest = m?.[2] ?? ''
    if (!space) return send({ status: 404, body: { error: 'Not found' } })

    if (method === 'GET' && rest === '/components') {
      return send({ status: 200, body: { components: space.components, component_groups: [] } })
    }
    if (method === 'GET' && (rest === '/stories' || rest === '/stories/')) {
      const list = [...space.stories.values()].filter((s) => storyMatchesQuery(s, url.searchParams))
      return send({
        status: 200,
        body: { stories: list.map(({ content: _omit, ...summary }) => summary) },
        headers: { total: String(list.length), 'per-page': '25' },
      })
    }
    if (method === 'GET' && rest === '/story_versions') return send(listVersions(space, url.searchParams))
    const sm = /^\/stories\/(\d+)(\/restore_with)?$/.exec(rest)
    const story = sm ? space.stories.get(Number(sm[1])) : undefined
    if (!sm || (method !== 'GET' && method !== 'PUT')) return send({ status: 404, body: { error: 'Not found' } })
    if (!story) return send({ status: 404, body: { error: 'This record could not be found' } })
    const put = isRecord(rec.body) ? rec.body : undefined
    const releaseParam = put?.release_id ?? url.searchParams.get('release_id')
    const releaseId = releaseParam === undefined || releaseParam === null ? undefined : Number(releaseParam)
    if (releaseId !== undefined && !space.versions.hasRelease(releaseId)) {
      return send({ status: 404, body: { error: 'This record could not be found' } })
    }

    if (method === 'GET' && sm[2]) {
      // Restoring a version is a save like any other: a new version by the caller with the old content.
      const version = space.versions.find(story.id, Number(url.searchParams.get('version')))
      if (!version) return send({ status: 404, body: { error: 'This record could not be found' } })
      const restored = save(space, story, version.content, {
        user: userOf(grant),
        releaseId: version.release_id ?? undefined,
      })
      return send({ status: 200, body: { story: restored } })
    }

    if (method === 'GET') {
      send({ status: 200, body: { story: view(space, story, releaseId) } })
      const i = afterGet.findIndex((h) => h.spaceId === spaceId && h.storyId === story.id)
      if (i >= 0) {
        const [hook] = afterGet.splice(i, 1)
        const content = structuredClone(view(space, story, releaseId).content)
        hook?.edit(content)
        save(space, story, content, { releaseId })
      }
      return
    }

    const hold = holds.find((h) => h.spaceId === spaceId && h.storyId === story.id)
    if (hold) {
      holds.splice(holds.indexOf(hold), 1)
      hold.arrive()
      await hold.released
    }
    // A collaborator's role decides what their OAuth token may change (assumed body: the one of a space 403).
    const mayWrite = grant.scope === undefined || grant.scope.includes('write_content')
    if (!mayWrite || grant.readOnlyContentTypes?.includes(story.content.component)) {
      return send({ status: 403, body: { message: 'Forbidden' } })
    }
    if (!put || !isRecord(put.story)) return send({ status: 422, body: { story: ["can't be blank"] } })
    const lockedBy = space.versions.lockedBy(story.id)
    if (lockedBy && !truthy(put.force_update)) {
      // Assumed shape: Storyblok documents force_update for locked stories, not the refusal's status or text.
      return send({
        status: 422,
        body: { error: `The story is locked: ${lockedBy.friendly_name} is editing it.` },
      })
    }
    const content = put.story.content ?? view(space, story, releaseId).content
    const problem = validateContent(content, space.components, story)
    if (problem || !isBlok(content)) return send({ status: 422, body: problem })
    const publish = truthy(put.publish ?? url.searchParams.get('publish'))
    const saved = save(space, story, withUids(structuredClone(content)), { publish, user: userOf(grant), releaseId })
    if (typeof put.story.name === 'string') story.name = put.story.name
    const after = takeFault(method, url.pathname, 'afterWrite')
    if (after?.type === 'reset') return destroy()
    if (after?.type === 'status') return send(faultReply(after))
    return send({ status: 200, body: { story: saved } })
  }

  const server = await listen((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) {
        writeHead(res, 500, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ error: String(err) }))
      }
    })
  })
  sim.url = server.url
  sim.close = () => server.close() // destroys every socket, hung ones included
  return sim
}

/** GET story_versions: newest first, paged like the other lists (`total`/`per-page` headers), content on request. */
function listVersions(space: SimSpace, q: URLSearchParams): Reply {
  const storyId = Number(q.get('by_story_id'))
  if (!Number.isInteger(storyId) || storyId <= 0) return { status: 422, body: { by_story_id: ["can't be blank"] } }
  const perPage = Math.min(100, Math.max(1, Number(q.get('per_page') ?? 25) || 25))
  const page = Math.max(1, Number(q.get('page') ?? 1) || 1)
  const release = q.get('by_release_id')
  const { items, total } = space.versions.list({
    storyId,
    ...(release === null ? {} : { releaseId: Number(release) }),
    page,
    perPage,
  })
  const withContent = truthy(q.get('show_content'))
  return {
    status: 200,
    body: { story_versions: items.map(({ content, ...meta }) => (withContent ? { ...meta, content } : meta)) },
    headers: { total: String(total), 'per-page': String(perPage) },
  }
}

function faultReply(f: Extract<Fault, { type: 'status' }>): Reply {
  const defaults: Record<number, unknown> = {
    422: { name: ['has already been taken'] },
    429: { error: 'Rate limit of 6 request per second reached. Retry later.' },
    500: { error: 'Internal Server Error' },
    503: { error: 'Service Unavailable' },
  }
  return {
    status: f.status,
    body: f.body ?? defaults[f.status] ?? { error: 'Error' },
    headers: f.retryAfterSeconds === undefined ? {} : { 'retry-after': String(f.retryAfterSeconds) },
  }
}

function matches(path: string, pattern: string | RegExp): boolean {
  return typeof pattern === 'string' ? path.includes(pattern) : pattern.test(path)
}

function truthy(v: unknown): boolean {
  return v === true || v === 1 || v === '1' || v === 'true'
}

function storyMatchesQuery(s: SimStory, q: URLSearchParams): boolean {
  const withSlug = q.get('with_slug')
  if (withSlug !== null && s.full_slug !== withSlug) return false
  const startsWith = q.get('starts_with')
  if (startsWith !== null && !s.full_slug.startsWith(startsWith)) return false
  const bySlugs = q.get('by_slugs')
  if (bySlugs !== null) {
    const patterns = bySlugs.split(',').map((p) => new RegExp(`^${p.split('*').map(escapeRe).join('.*')}$`))
    if (!patterns.some((re) => re.test(s.full_slug))) return false
  }
  return true
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
