/**
 * Fuzz: a generated corpus of hostile requests (fixed seed, fast-check) over every route — malformed JSON, wrong
 * types, huge numbers, deep nesting, unicode edge cases incl. lone surrogates, header tricks, path tricks, oversize —
 * through the real app (real adapters and SDK clients against the simulators), in process.
 * Invariants: no crash, no hang, no 5xx, every non-2xx reply is the JSON error envelope with a known code.
 * The signed-change-set route gets its own corpus: forged, expired and tampered tokens never write.
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STATUS, type ErrorCode } from '../../proxy/http/appError.ts'
import { createApp, type App } from '../../proxy/createApp.ts'
import { DEMO_SPACE_ID, DEMO_STORY_IDS, DEMO_UIDS, findBlock } from '../../dev/simulators/storyblok.ts'
import { startWorld, TEST_PROXY_KEY, type World } from '../../dev/world.ts'
import { createChangeTokens } from '../../proxy/authority/changeToken.ts'
import { applyTarget } from '../../proxy/authority/tokenTarget.ts'
import { tokenFor } from '../support/changeTokens.ts'

export const FUZZ_SEED = 20_261_125
const RUNS = 10_500
const CONCURRENCY = 16
const PER_REQUEST_DEADLINE_MS = 10_000

// ---------- the corpus ----------

const LONE_AND_ODD = [
  '\uD800',
  '\uDFFF',
  'a\uD83Db',
  '\uDE00\uD83D',
  '\u0000',
  '\u0000\u0000\u0000',
  '\u202Eevil\u202C',
  '\uFEFF',
  '\u200B\u200D',
  'e\u0301\u0301\u0301',
  '\uFFFF',
  '\uFFFE',
  '𝕏𝕐',
  '💩'.repeat(50),
  'ﷺ'.repeat(500),
  'İ',
  'ß'.toUpperCase(),
  '\u2028\u2029',
  '<script>alert(1)</script>',
  '${jndi:ldap://x/a}',
  '{{7*7}}',
  '../../etc/passwd',
  '%00',
  '%2e%2e%2f',
  '\r\nX-Injected: 1',
  'Robert"); DROP TABLE stories;--',
  '__proto__',
  'constructor',
  'A'.repeat(8001),
  'B'.repeat(70_000),
]
const hostileString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...LONE_AND_ODD) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
)
const hostileNumber = fc.oneof(
  fc.constantFrom(
    0,
    -0,
    -1,
    1.5,
    1e308,
    -1e308,
    4.9e-324,
    Number.MAX_SAFE_INTEGER,
    Number.MAX_SAFE_INTEGER + 2,
    2 ** 64,
    DEMO_SPACE_ID,
    DEMO_STORY_IDS.home,
  ),
  fc.integer(),
  fc.double(),
)
const hostileKey = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    '',
    'spaceId',
    'storyId',
    'messages',
    'changes',
    'role',
    'content',
    'blockUid',
    'field',
    'before',
    'after',
    'draft',
    'focus',
    '\uD800',
    'headline__i18n__x',
  ),
  fc.string({ maxLength: 12 }),
)
const { value: hostileValue } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    hostileNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(hostileKey, tie('value'), { maxKeys: 4 }),
  ),
}))

const validConversation = () => ({
  spaceId: DEMO_SPACE_ID,
  storyId: DEMO_STORY_IDS.home,
  messages: [{ role: 'user', content: 'Shorten the headline' }],
})
const staleHeadline = () => [
  { blockUid: DEMO_UIDS.hero, field: 'headline', before: 'Not the saved value', after: 'Short' },
]
/** Signed like a proposal (with a stale `before`, so an untouched body ends in a 409 conflict and never writes). */
const validChanges = () => ({
  spaceId: DEMO_SPACE_ID,
  storyId: DEMO_STORY_IDS.home,
  changes: staleHeadline(),
  token: tokenFor(world.deps, staleHeadline(), { spaceId: DEMO_SPACE_ID, storyId: DEMO_STORY_IDS.home }),
})

type Mutation = { path: number[]; op: 'set' | 'delete' | 'add'; key: string; value: unknown }
const mutation = fc.record({
  path: fc.array(fc.nat(5), { maxLength: 3 }),
  op: fc.constantFrom('set', 'delete', 'add') as fc.Arbitrary<Mutation['op']>,
  key: hostileKey,
  value: hostileValue,
})

/** Walks `path` (indices into the keys of each level) and applies one change there. */
function mutate(root: Record<string, unknown>, m: Mutation): void {
  let node: unknown = root
  for (const i of m.path) {
    if (!node || typeof node !== 'object') break
    const keys = Object.keys(node)
    if (keys.length === 0) break
    const next = (node as Record<string, unknown>)[keys[i % keys.length]!]
    if (!next || typeof next !== 'object') break
    node = next
  }
  if (!node || typeof node !== 'object') return
  const obj = node as Record<string, unknown>
  const keys = Object.keys(obj)
  const target = keys.length ? keys[m.path.length % keys.length]! : m.key
  if (m.op === 'delete') delete obj[target]
  else if (m.op === 'add')
    Object.defineProperty(obj, m.key, { value: m.value, enumerable: true, configurable: true, writable: true })
  else obj[target] = m.value
}

const nested = (depth: number, open: string, close: string, inner = '1') =>
  open.repeat(depth) + inner + close.repeat(depth)

type BodySpec =
  | { kind: 'json'; route: 'conversation' | 'changes'; mutations: Mutation[] }
  | { kind: 'raw'; text: string }
  | { kind: 'deep'; depth: number; where: 'body' | 'draft' | 'content' }
  | { kind: 'oversize' }
  | { kind: 'none' }

const rawTexts = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '{',
    '}',
    '{"spaceId":',
    'null',
    'true',
    '[]',
    '"str"',
    '1e999',
    '-',
    '{"a":1,}',
    '\uFEFF{}',
    'NaN',
    '{"spaceId":1e999,"storyId":1,"messages":[]}',
    '{"spaceId":1,"spaceId":2}',
    '{"__proto__":{"polluted":true},"spaceId":1}',
    "{'a':1}",
    '{"messages":[{"role":"user","content":"\\ud800"}]}',
    '\u0000',
    '{"a":"\\u0000"}',
    '[' + '{},'.repeat(5000) + '{}]',
    JSON.stringify({
      ...validConversation(),
      messages: Array.from({ length: 41 }, () => ({ role: 'user', content: 'x' })),
    }),
  ),
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
)
const bodySpec: fc.Arbitrary<BodySpec> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('json' as const),
      route: fc.constantFrom('conversation' as const, 'changes' as const),
      mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('raw' as const), text: rawTexts }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('deep' as const),
      depth: fc.constantFrom(50, 1_000, 10_000, 100_000),
      where: fc.constantFrom('body' as const, 'draft' as const, 'content' as const),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('none' as const) }) },
)

const ROUTES = [
  '/health',
  '/ready',
  '/api/test-bedrock',
  '/api/conversation',
  '/api/changes',
  '/api/transcribe/ticket',
  '/api/transcribe',
  '/recorder',
]
const PATH_TRICKS = [
  '/%2e%2e/api/conversation',
  '//api/conversation',
  '/api//conversation',
  '/api/conversation/',
  '/API/CONVERSATION',
  '/api/conversation?x=1&x=2',
  '/api/%00',
  '/api/conversation%2f..',
  '/..%2f..%2fetc/passwd',
  '/api/./conversation',
  '/health/../api/changes',
  '/api/conversation;jsessionid=1',
  '/api/transcribe?ticket=' + 'A'.repeat(43),
  '/api/transcribe?ticket=%F0%9F%92%A9',
  '/recorder?origin=https%3A%2F%2Fevil.example&sid=abcdefgh12',
  '/recorder?origin=https%3A%2F%2Fplugins.storyblok.com&sid=%3Cscript%3E',
  '/recorder?origin=javascript:alert(1)&sid=abcdefgh12',
  '/api/ü',
  '/api/%uD800',
  '/' + 'a'.repeat(10_000),
  '/api/conversation%20',
  '/api/conversation%09',
  '/.env',
  '/proxy/main.ts',
  '/package.json',
  '/node_modules/.bin/tsx',
  '/api/*',
]
const latin1 = fc.string({ maxLength: 60 }).map((s) => s.replace(/[^\x20-\x7e\xa0-\xff]/g, ''))
const headerSpec = fc.record({
  authorization: fc.oneof(
    { weight: 6, arbitrary: fc.constant(`Bearer ${TEST_PROXY_KEY}`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        undefined,
        '',
        'Bearer',
        'Bearer ',
        `bearer ${TEST_PROXY_KEY}`,
        `Bearer  ${TEST_PROXY_KEY}  `,
        TEST_PROXY_KEY,
        `Basic ${TEST_PROXY_KEY}`,
        `Bearer ${TEST_PROXY_KEY}x`,
        `Bearer ${TEST_PROXY_KEY.toUpperCase()}`,
        'Bearer ' + 'a'.repeat(20_000),
        `Bearer ${TEST_PROXY_KEY}, Bearer other`,
      ),
    },
    { weight: 1, arbitrary: latin1.map((s) => `Bearer ${s}`) },
  ),
  contentType: fc.constantFrom(
    undefined,
    'application/json',
    'application/json',
    'application/json; charset=utf-8',
    'APPLICATION/JSON',
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/jsonx',
    'application/json, text/plain',
    '',
  ),
  accept: fc.constantFrom(
    undefined,
    undefined,
    'application/json',
    'text/event-stream',
    '*/*',
    'application/json;q=0, text/event-stream',
  ),
  origin: fc.constantFrom(
    undefined,
    'https://plugins.storyblok.com',
    'null',
    'https://evil.example',
    'https://plugins.storyblok.com.evil.example',
    'file://',
  ),
  requestId: fc.oneof(fc.constantFrom(undefined, 'short', 'valid-id-12345678', 'x'.repeat(100), '../../../x'), latin1),
  forwardedFor: fc.oneof(fc.constant(undefined), latin1, fc.constant('1.2.3.4, 5.6.7.8')),
  upgrade: fc.constantFrom(undefined, undefined, undefined, 'websocket'),
})
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'] as const
const ROUTE_METHODS: Array<[string, string]> = [
  ['POST', '/api/conversation'],
  ['POST', '/api/conversation'],
  ['POST', '/api/conversation'],
  ['POST', '/api/changes'],
  ['POST', '/api/changes'],
  ['POST', '/api/changes'],
  ['POST', '/api/transcribe/ticket'],
  ['GET', '/api/transcribe'],
  ['GET', '/health'],
  ['GET', '/ready'],
  ['GET', '/api/test-bedrock'],
  ['GET', '/recorder'],
]
const target = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...ROUTE_METHODS) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...METHODS), fc.constantFrom(...ROUTES)) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...METHODS), fc.constantFrom(...PATH_TRICKS)) },
)
const requestSpec = fc
  .record({ target, headers: headerSpec, body: bodySpec, oversize: fc.nat(199).map((n) => n === 0) })
  .map(({ target: [method, path], ...rest }) => ({ method, path, ...rest }))
type RequestSpec = typeof requestSpec extends fc.Arbitrary<infer T> ? T : never

function bodyText(spec: RequestSpec): string | undefined {
  if (spec.oversize) return JSON.stringify({ ...validConversation(), draft: { big: 'x'.repeat(1_100_000) } })
  const b = spec.body
  switch (b.kind) {
    case 'none':
      return undefined
    case 'raw':
      return b.text
    case 'deep':
      if (b.where === 'body') return nested(b.depth, '[', ']')
      if (b.where === 'draft')
        return JSON.stringify(validConversation()).replace(/}$/, `,"draft":${nested(b.depth, '{"a":', '}')}}`)
      return JSON.stringify(validChanges()).replace('"after":"Short"', `"after":${nested(b.depth, '[', ']')}`)
    case 'json': {
      const route = spec.path.startsWith('/api/changes')
        ? 'changes'
        : spec.path.startsWith('/api/conversation')
          ? 'conversation'
          : b.route
      const base: Record<string, unknown> = route === 'conversation' ? validConversation() : validChanges()
      for (const m of b.mutations) mutate(base, m)
      return JSON.stringify(base)
    }
  }
  return undefined
}

function toRequest(spec: RequestSpec): Request {
  const h = new Headers()
  const { headers } = spec
  if (headers.authorization !== undefined) h.set('authorization', headers.authorization)
  if (headers.contentType !== undefined) h.set('content-type', headers.contentType)
  if (headers.accept) h.set('accept', headers.accept)
  if (headers.origin) h.set('origin', headers.origin)
  if (headers.requestId) h.set('x-request-id', headers.requestId)
  if (headers.forwardedFor) h.set('x-forwarded-for', headers.forwardedFor)
  if (headers.upgrade) h.set('upgrade', headers.upgrade)
  const canHaveBody = spec.method !== 'GET' && spec.method !== 'HEAD'
  const body = canHaveBody ? bodyText(spec) : undefined
  return new Request(`http://proxy.test${spec.path}`, {
    method: spec.method,
    headers: h,
    ...(body !== undefined ? { body } : {}),
  })
}

// ---------- the run ----------

const KNOWN_CODES = new Set(Object.keys(STATUS))
const describeSpec = (s: RequestSpec) =>
  JSON.stringify({ ...s, body: s.body.kind === 'json' ? s.body : s.body.kind }).slice(0, 400)

const statuses = new Map<number, number>()

async function check(app: App, spec: RequestSpec): Promise<string | undefined> {
  let req: Request
  try {
    req = toRequest(spec)
  } catch {
    return undefined // the client could not even build it (e.g. a header the fetch API refuses): nothing reached us
  }
  const run = (async () => {
    const res = await app.request(req)
    const text = await res.text()
    return { res, text }
  })()
  const timeout = new Promise<'hang'>((r) => setTimeout(() => r('hang'), PER_REQUEST_DEADLINE_MS).unref())
  let outcome: Awaited<typeof run> | 'hang'
  try {
    outcome = await Promise.race([run, timeout])
  } catch (err) {
    return `crash: ${(err as Error).message}`
  }
  if (outcome === 'hang') return 'hang'
  const { res, text } = outcome
  statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1)
  if (res.status >= 500 && !(spec.path === '/ready' && res.status === 503))
    return `unexpected ${res.status}: ${text.slice(0, 300)}`
  if (res.headers.get('content-type')?.startsWith('text/event-stream')) {
    if (!/event: done\ndata: \{\}\s*$/.test(text)) return `SSE without done: ${text.slice(-200)}`
    if (/"code":"internal"/.test(text)) return `SSE internal error: ${text.slice(-300)}`
  }
  if (res.status < 400 || spec.method === 'HEAD') return undefined
  // The recorder is a page a person opens in a window: its refusals are HTML pages with the reason, by design.
  if (
    spec.path.startsWith('/recorder') &&
    spec.method === 'GET' &&
    res.headers.get('content-type')?.startsWith('text/html')
  )
    return undefined
  if (!res.headers.get('content-type')?.startsWith('application/json'))
    return `non-JSON ${res.status}: ${text.slice(0, 200)}`
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return `unparsable ${res.status}: ${text.slice(0, 200)}`
  }
  const error = (body as { error?: { code?: unknown; message?: unknown; requestId?: unknown } }).error
  if (
    !error ||
    typeof error.code !== 'string' ||
    !KNOWN_CODES.has(error.code) ||
    typeof error.message !== 'string' ||
    typeof error.requestId !== 'string'
  ) {
    return `not the envelope ${res.status}: ${text.slice(0, 200)}`
  }
  const expected = STATUS[error.code as ErrorCode]
  if (res.status !== expected && !(error.code === 'bad_request' && res.status === 426))
    return `status ${res.status} for ${error.code} (expected ${expected})`
  return undefined
}

let world: World
let app: App
beforeAll(async () => {
  world = await startWorld({
    env: { RATE_LIMIT_PER_MINUTE: '1000000', DAILY_TOKEN_BUDGET: '0', BEDROCK_TIMEOUT_MS: '5000' },
  })
  world.storyblok.rateLimitPerSecond = 1_000_000
  world.bedrock.setLatency({ firstTokenDelayMs: 0, tokenDelayMs: 0 })
  // In process there is no socket to upgrade: a stand-in upgrader mounts the voice routes all the same.
  app = createApp(world.deps, { upgradeWebSocket: (() => async () => undefined) as never })
})
afterAll(async () => {
  await world?.close()
})

describe('fuzz', () => {
  it(`${RUNS} hostile requests (seed ${FUZZ_SEED}): no crash, no hang, no 5xx, every error the envelope`, async () => {
    const corpus = fc.sample(requestSpec, { seed: FUZZ_SEED, numRuns: RUNS })
    expect(corpus.length).toBeGreaterThanOrEqual(10_000)
    const failures: string[] = []
    for (let i = 0; i < corpus.length; i += CONCURRENCY) {
      const batch = corpus.slice(i, i + CONCURRENCY)
      const results = await Promise.all(batch.map((spec) => check(app, spec)))
      results.forEach((r, j) => {
        if (r) failures.push(`#${i + j} ${r}\n   ${describeSpec(batch[j]!)}`)
      })
    }
    console.log(
      `fuzz: ${corpus.length} requests, seed ${FUZZ_SEED}, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`,
    )
    // The corpus reaches the routes' logic, not only the front door.
    for (const status of [200, 400, 401, 404, 409, 413, 415, 422])
      expect(statuses.get(status) ?? 0, `status ${status}`).toBeGreaterThan(0)
    expect(failures.slice(0, 15)).toEqual([])
    expect(failures.length).toBe(0)
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
  }, 120_000)
})

// ---------- signed change sets: forged, expired, tampered ----------

const FORGERY_RUNS = 600
const writable = () => [{ blockUid: DEMO_UIDS.hero, field: 'headline', before: heroHeadline(), after: 'Forged' }]
const heroHeadline = () =>
  findBlock(world.storyblok.getStory(DEMO_SPACE_ID, DEMO_STORY_IDS.home)?.content, DEMO_UIDS.hero)?.['headline']
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')
const payloadOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[2]!, 'base64url').toString()) as object

type Forgery =
  | { kind: 'flip'; at: number; by: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'payload'; key: string; value: unknown }
  | { kind: 'expired' }
  | { kind: 'foreignSecret' }
  | { kind: 'unsigned' }
  | { kind: 'otherStory' }
  | { kind: 'undoAsApply' }
  | { kind: 'noise'; text: string }
const forgery: fc.Arbitrary<Forgery> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(2000), by: fc.integer({ min: 1, max: 63 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(2000) }),
  fc.record({
    kind: fc.constant('payload' as const),
    key: fc.constantFrom('typ', 'sp', 'st', 'rl', 'exp', 't', 'cs', 'x'),
    value: hostileValue,
  }),
  fc.constant({ kind: 'expired' as const }),
  fc.constant({ kind: 'foreignSecret' as const }),
  fc.constant({ kind: 'unsigned' as const }),
  fc.constant({ kind: 'otherStory' as const }),
  fc.constant({ kind: 'undoAsApply' as const }),
  fc.record({ kind: fc.constant('noise' as const), text: hostileString }),
)

/** A token that is not the proxy's own for this change set, built from a real one by `f`. */
function forged(f: Forgery): string {
  const changes = writable()
  const where = { spaceId: DEMO_SPACE_ID, storyId: DEMO_STORY_IDS.home }
  const real = tokenFor(world.deps, changes, where)
  const [v, kid, , sig] = real.split('.') as [string, string, string, string]
  switch (f.kind) {
    case 'flip': {
      const i = f.at % real.length
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.'
      const c = alphabet[(alphabet.indexOf(real[i]!) + f.by) % alphabet.length]!
      return real.slice(0, i) + c + real.slice(i + 1)
    }
    case 'truncate':
      return real.slice(0, f.at % real.length)
    case 'payload': {
      const tampered = [v, kid, b64({ ...payloadOf(real), [f.key]: f.value }), sig].join('.')
      // Setting a field to the value it has is no tampering: marked so, it must be accepted as the real token.
      return tampered === real ? `${real}#same` : tampered
    }
    case 'expired':
      return tokenFor(world.deps, changes, { ...where, ttlMs: -1 })
    case 'foreignSecret':
      return createChangeTokens({ secrets: ['another-proxy-secret-000000000000000000'], clock: world.deps.clock }).sign(
        { typ: 'apply', cs: 'x', sp: DEMO_SPACE_ID, st: DEMO_STORY_IDS.home, rl: null, t: changes.map(applyTarget) },
        60_000,
      )
    case 'unsigned':
      return [v, kid, b64({ ...payloadOf(real), exp: Date.now() + 60_000 }), ''].join('.')
    case 'otherStory':
      return tokenFor(world.deps, changes, { ...where, storyId: DEMO_STORY_IDS.article })
    case 'undoAsApply':
      // An undo token names `after` too; used for a different `after` it must not write.
      return tokenFor(world.deps, [{ ...changes[0]!, after: 'Something else' }], { ...where, kind: 'undo' })
    case 'noise':
      return f.text
  }
}

describe('fuzz: signed change sets', () => {
  it(`${FORGERY_RUNS} forged, expired and tampered tokens (seed ${FUZZ_SEED}): refused, nothing written`, async () => {
    const story = () => JSON.stringify(world.storyblok.getStory(DEMO_SPACE_ID, DEMO_STORY_IDS.home))
    const before = story()
    world.storyblok.clearRequests()
    const corpus = fc.sample(forgery, { seed: FUZZ_SEED, numRuns: FORGERY_RUNS })
    const codes = new Map<string, number>()
    const failures: string[] = []
    for (const [i, f] of corpus.entries()) {
      const token = forged(f)
      if (token.endsWith('#same')) continue
      const res = await app.request('/api/changes', {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_PROXY_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ spaceId: DEMO_SPACE_ID, storyId: DEMO_STORY_IDS.home, changes: writable(), token }),
      })
      const body = (await res.json()) as { error?: { code: string } }
      const code = body.error?.code ?? `HTTP ${res.status}`
      codes.set(code, (codes.get(code) ?? 0) + 1)
      if (res.status === 200) failures.push(`#${i} ${JSON.stringify(f).slice(0, 200)} was accepted`)
      else if (
        res.status !== 200 &&
        !['change_token_invalid', 'change_token_expired', 'change_not_proposed', 'bad_request'].includes(code)
      )
        failures.push(`#${i} ${JSON.stringify(f).slice(0, 200)} → ${code}`)
    }
    console.log(`fuzz tokens: ${corpus.length} requests, codes ${JSON.stringify(Object.fromEntries(codes))}`)
    expect(failures.slice(0, 15)).toEqual([])
    expect(world.storyblok.requestsTo('PUT')).toEqual([])
    expect(story()).toBe(before)
    for (const code of ['change_token_invalid', 'change_token_expired', 'change_not_proposed'])
      expect(codes.get(code) ?? 0, code).toBeGreaterThan(0)
  }, 120_000)
})
