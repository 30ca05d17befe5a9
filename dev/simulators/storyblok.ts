import type http from 'node:http'
import type http2 from 'node:http2'
import type { Blok, Component, Story } from '../../proxy/deps.ts'
import { listen, readBody, writeHead } from './listen.ts'
import { findBlock, isBlok, isRecord, validateContent, withUids } from './storyblokContent.ts'
import { storyblokDemoSeed, type SeedStory, type StoryblokSeed, type TokenGrant } from './storyblokSeed.ts'

export * from './storyblokSeed.ts'
export { findBlock } from './storyblokContent.ts'

/**
 * In-memory Storyblok Management API on 127.0.0.1 for tests, the playground and the browser suites.
 *
 * Routes: GET/PUT /v1/spaces/:space/stories/:id, GET /v1/spaces/:space/stories (with_slug, by_slugs, starts_with;
 * no content, like the real list), GET /v1/spaces/:space/components.
 * Behaviour reproduced from the reference (§6): bare PAT vs `Bearer` OAuth header, 401/403/404 bodies, a fixed
 * 1 s per-token rate limit with Storyblok's 429 body, Rails-style 422s (numbers as strings, content-type root,
 * 5 MB story), `updated_at` strictly increasing per save, `current_version_id` incremented.
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

export type SimSpace = { id: number; components: Component[]; stories: Map<number, SimStory> }

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
    clear(): void
  }
  /** Deep copy of the saved story, or undefined. */
  getStory(spaceId: number, storyId: number): SimStory | undefined
  /** Inserts or replaces a story as is (no validation, no version bump unless `touch`). */
  setStory(spaceId: number, story: SeedStory | SimStory, options?: { touch?: boolean }): SimStory
  /** A human edit in the Visual Editor followed by Save: sets one field of one block, bumps updated_at/version. */
  editField(spaceId: number, storyId: number, blockUid: string, field: string, value: unknown): SimStory
}

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

  for (const sp of seed.spaces) {
    spaces.set(sp.spaceId, { id: sp.spaceId, components: structuredClone(sp.components), stories: new Map() })
    for (const s of sp.stories) spaces.get(sp.spaceId)?.stories.set(s.id, toSimStory(s))
  }

  const requireStory = (spaceId: number, storyId: number): SimStory => {
    const story = spaces.get(spaceId)?.stories.get(storyId)
    if (!story) throw new Error(`simulator: no story ${storyId} in space ${spaceId}`)
    return story
  }

  const save = (story: SimStory, content: Blok, publish: boolean, author?: TokenGrant['user']) => {
    story.content = content
    if (author) story.last_author = { id: author.id, userid: `user${author.id}`, friendly_name: author.friendly_name }
    story.updated_at = nextTimestamp()
    story.current_version_id += 1
    if (publish) {
      story.published = true
      story.published_at = story.updated_at
      story.first_published_at ??= story.updated_at
      story.unpublished_changes = false
    } else {
      story.unpublished_changes = true
    }
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
      clear: () => {
        queued.splice(0)
        afterGet.splice(0)
        sim.faults.latencyMs = 0
      },
    },
    getStory: (spaceId, storyId) => {
      const s = spaces.get(spaceId)?.stories.get(storyId)
      return s ? structuredClone(s) : undefined
    },
    setStory: (spaceId, story, { touch = false } = {}) => {
      const space = spaces.get(spaceId)
      if (!space) throw new Error(`simulator: no space ${spaceId}`)
      const stored = toSimStory(story)
      if (touch) {
        stored.updated_at = nextTimestamp()
        stored.current_version_id += 1
      }
      space.stories.set(stored.id, stored)
      return structuredClone(stored)
    },
    editField: (spaceId, storyId, blockUid, field, value) => {
      const story = requireStory(spaceId, storyId)
      const content = structuredClone(story.content)
      const block = findBlock(content, blockUid)
      if (!block) throw new Error(`simulator: no block ${blockUid} in story ${storyId}`)
      block[field] = structuredClone(value)
      save(story, content, false)
      return structuredClone(story)
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
    const sm = /^\/stories\/(\d+)$/.exec(rest)
    const story = sm ? space.stories.get(Number(sm[1])) : undefined
    if (!sm || (method !== 'GET' && method !== 'PUT')) return send({ status: 404, body: { error: 'Not found' } })
    if (!story) return send({ status: 404, body: { error: 'This record could not be found' } })

    if (method === 'GET') {
      send({ status: 200, body: { story } })
      const i = afterGet.findIndex((h) => h.spaceId === spaceId && h.storyId === story.id)
      if (i >= 0) {
        const [hook] = afterGet.splice(i, 1)
        const content = structuredClone(story.content)
        hook?.edit(content)
        save(story, content, false)
      }
      return
    }

    // A collaborator's role decides what their OAuth token may change (assumed body: the one of a space 403).
    const mayWrite = grant.scope === undefined || grant.scope.includes('write_content')
    if (!mayWrite || grant.readOnlyContentTypes?.includes(story.content.component)) {
      return send({ status: 403, body: { message: 'Forbidden' } })
    }
    const put = rec.body
    if (!isRecord(put) || !isRecord(put.story)) return send({ status: 422, body: { story: ["can't be blank"] } })
    const content = put.story.content ?? story.content
    const problem = validateContent(content, space.components, story)
    if (problem || !isBlok(content)) return send({ status: 422, body: problem })
    const publish = truthy(put.publish ?? url.searchParams.get('publish'))
    save(story, withUids(structuredClone(content)), publish, grant.user)
    if (typeof put.story.name === 'string') story.name = put.story.name
    const after = takeFault(method, url.pathname, 'afterWrite')
    if (after?.type === 'reset') return destroy()
    if (after?.type === 'status') return send(faultReply(after))
    return send({ status: 200, body: { story } })
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
