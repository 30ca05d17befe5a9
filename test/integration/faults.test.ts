/**
 * Fault matrix: one case per upstream failure, all through the real SDKs (Bedrock runtime, Transcribe streaming,
 * Management API client) against the loopback simulators. For each: the right code and a hint reach the client,
 * the story in the simulator is fully updated or untouched, and nothing hangs (every call has a deadline).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createStoryblok } from '../../proxy/adapters/storyblok.ts'
import { createApp, type App } from '../../proxy/createApp.ts'
import type { ChangeInput, WsServerMessage } from '../../shared/contract.ts'
import type { Deps } from '../../proxy/deps.ts'
import { AWS_ERRORS, reply, type SimReply } from '../../dev/simulators/bedrockScript.ts'
import {
  DEMO_PAT,
  DEMO_SPACE_ID,
  DEMO_STORY_IDS,
  DEMO_UIDS,
  findBlock,
  storyblokDemoSeed,
} from '../../dev/simulators/storyblok.ts'
import type { TranscribeFault } from '../../dev/simulators/transcribe.ts'
import { speechLikePcm } from '../support/pcm.ts'
import { readSse, type SseRecord } from '../support/sse.ts'
import { serveApp, startWorld, TEST_PROXY_KEY, type ServedProxy, type World } from '../../dev/world.ts'
import { tokenFor } from '../support/changeTokens.ts'

const HOME = DEMO_STORY_IDS.home
const FIRST_TOKEN_TIMEOUT_MS = 600
const DEADLINE_MS = 15_000
const auth = { authorization: `Bearer ${TEST_PROXY_KEY}`, 'content-type': 'application/json' }

let world: World
/** The world's app with a Management API adapter whose timeouts and backoff fit a test (same SDK, same simulator). */
let fastApp: App
let voice: ServedProxy

beforeAll(async () => {
  world = await startWorld({
    env: {
      BEDROCK_TIMEOUT_MS: String(FIRST_TOKEN_TIMEOUT_MS),
      BEDROCK_MAX_RETRIES: '1',
      RATE_LIMIT_PER_MINUTE: '100000',
    },
  })
  const storyblok = createStoryblok({
    personalAccessToken: DEMO_PAT,
    baseUrl: world.storyblok.url,
    timeoutMs: 400,
    retry: { limit: 3, budgetMs: 3_000, baseDelayMs: 20 },
    rateLimit: false,
    log: world.deps.log,
  })
  const deps: Deps = { ...world.deps, storyblok }
  fastApp = createApp(deps)
  voice = await serveApp((upgradeWebSocket) => createApp(world.deps, { upgradeWebSocket }))
})
afterAll(async () => {
  await voice?.close()
  await world?.close()
})
beforeEach(() => {
  // Storyblok's real 6 requests/s window would make unrelated cases interfere; one case below turns it back on.
  world.storyblok.rateLimitPerSecond = 100_000
  for (const sp of storyblokDemoSeed().spaces) for (const s of sp.stories) world.storyblok.setStory(sp.spaceId, s)
  world.storyblok.faults.clear()
  world.storyblok.clearRequests()
  world.bedrock.reset()
})

const home = () => world.storyblok.getStory(DEMO_SPACE_ID, HOME)
const heroField = (field: string) => findBlock(home()?.content, DEMO_UIDS.hero)?.[field]

// ---------- Bedrock, through POST /api/conversation (SSE) ----------

async function converse(): Promise<SseRecord[]> {
  const res = await fetch(`${world.proxyUrl}/api/conversation`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({
      spaceId: DEMO_SPACE_ID,
      storyId: HOME,
      messages: [{ role: 'user', content: 'Make the hero headline shorter' }],
    }),
    signal: AbortSignal.timeout(DEADLINE_MS),
  })
  expect(res.status).toBe(200)
  return readSse(res)
}

function expectStreamError(events: SseRecord[], code: string) {
  expect(events[0]?.event).toBe('meta')
  expect(events.at(-1)?.event).toBe('done')
  const errors = events.filter((e) => e.event === 'error')
  expect(errors, JSON.stringify(events.slice(-3))).toHaveLength(1)
  expect(errors[0]?.data).toMatchObject({
    code,
    message: expect.any(String),
    hint: expect.stringMatching(/\S{3,}/),
    requestId: expect.any(String),
  })
  return errors[0]!.data as { code: string; message: string; hint: string; retryAfterSeconds?: number }
}

describe('Bedrock faults reach the editor with the right code and hint; the story is untouched', () => {
  const cases: Array<
    [string, SimReply[], string, ((e: { message: string; hint: string; retryAfterSeconds?: number }) => void)?]
  > = [
    [
      'HTTP throttling (after the proxy retried)',
      [reply.error(AWS_ERRORS.throttling), reply.error(AWS_ERRORS.throttling)],
      'bedrock_throttled',
      (e) => expect(e.retryAfterSeconds).toBeGreaterThan(0),
    ],
    [
      'mid-stream throttling',
      [reply.streamException('throttlingException', 'Too many tokens, please wait before trying again.')],
      'bedrock_throttled',
    ],
    [
      'access denied (IAM)',
      [reply.error(AWS_ERRORS.accessDeniedIam)],
      'bedrock_access_denied',
      (e) => expect(e.hint).toMatch(/bedrock:InvokeModel|IAM|polic/i),
    ],
    ['expired token', [reply.error(AWS_ERRORS.expiredToken)], 'aws_credentials_expired'],
    [
      'invalid model id',
      [reply.error(AWS_ERRORS.invalidModelId)],
      'bedrock_model_id_invalid',
      (e) => expect(e.hint).toMatch(/BEDROCK_MODEL_ID/),
    ],
    [
      'inference profile required',
      [reply.error(AWS_ERRORS.onDemandNotSupported())],
      'bedrock_inference_profile_required',
      (e) => expect(e.hint).toMatch(/us\.anthropic/),
    ],
    [
      'use case form not submitted',
      [reply.error(AWS_ERRORS.useCaseForm)],
      'bedrock_model_not_enabled',
      (e) => expect(e.hint).toMatch(/use case/i),
    ],
    [
      'service unavailable',
      [reply.error(AWS_ERRORS.serviceUnavailable), reply.error(AWS_ERRORS.serviceUnavailable)],
      'bedrock_unavailable',
    ],
    ['truncated stream (half a frame)', [reply.truncated()], 'bedrock_stream_truncated'],
    ['stream without messageStop', [reply.noMessageStop()], 'bedrock_stream_truncated'],
    ['dropped connection mid-stream', [reply.dropped()], 'bedrock_stream_truncated'],
    [
      'slow first token (timeout)',
      [reply.text('Too late', { firstTokenDelayMs: FIRST_TOKEN_TIMEOUT_MS * 5 })],
      'upstream_timeout',
    ],
    ['no answer at all (hang)', [reply.hang()], 'upstream_timeout'],
  ]

  for (const [what, replies, code, extra] of cases) {
    it(`${what} → ${code}`, async () => {
      const before = home()
      world.bedrock.script(...replies)
      const error = expectStreamError(await converse(), code)
      extra?.(error)
      expect(world.bedrock.requests.length).toBeGreaterThanOrEqual(1)
      expect(world.storyblok.requestsTo('PUT')).toEqual([])
      expect(home()).toEqual(before)
    })
  }

  it('recovers from one throttled attempt without the editor noticing', async () => {
    world.bedrock.script(reply.error(AWS_ERRORS.throttling), reply.text('Fine after a retry.'))
    const events = await converse()
    expect(events.some((e) => e.event === 'error')).toBe(false)
    expect(world.bedrock.requests).toHaveLength(2)
  })
})

// ---------- Transcribe, through the WebSocket ----------

async function transcribeWith(fault: TranscribeFault): Promise<{ messages: WsServerMessage[]; close: number }> {
  const t = await fetch(`${voice.url}/api/transcribe/ticket`, { method: 'POST', headers: auth })
  const { url } = (await t.json()) as { url: string }
  world.transcribe.next({ fault })
  const ws = new WebSocket(url, { headers: { origin: 'https://plugins.storyblok.com' } })
  const messages: WsServerMessage[] = []
  ws.on('message', (data, binary) => void (!binary && messages.push(JSON.parse(data.toString()) as WsServerMessage)))
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)))
  await new Promise<void>((resolve, reject) => (ws.on('open', () => resolve()), ws.on('error', reject)))
  ws.send(JSON.stringify({ type: 'start', sampleRate: 16_000, encoding: 'pcm' }))
  const pcm = speechLikePcm({ seconds: 1 })
  for (let i = 0; i < pcm.length; i += 3200) ws.send(pcm.subarray(i, i + 3200))
  ws.send(JSON.stringify({ type: 'stop' }))
  const timer = setTimeout(() => ws.terminate(), DEADLINE_MS)
  const close = await closed
  clearTimeout(timer)
  return { messages, close }
}

describe('Transcribe faults reach the editor as a WebSocket error with a hint, then a close', () => {
  const cases: Array<[string, TranscribeFault, string]> = [
    [
      'BadRequestException',
      { type: 'exception', exceptionType: 'BadRequestException', message: 'Unsupported language' },
      'transcribe_bad_request',
    ],
    [
      'LimitExceededException mid-stream',
      { type: 'exception', exceptionType: 'LimitExceededException', afterBytes: 6400 },
      'transcribe_limit_exceeded',
    ],
    [
      'InternalFailureException',
      { type: 'exception', exceptionType: 'InternalFailureException', afterBytes: 3200 },
      'transcribe_unavailable',
    ],
    [
      'ServiceUnavailableException',
      { type: 'exception', exceptionType: 'ServiceUnavailableException' },
      'transcribe_unavailable',
    ],
    [
      'HTTP 403 AccessDeniedException',
      {
        type: 'http',
        status: 403,
        errorType: 'AccessDeniedException',
        message: 'User is not authorized to perform: transcribe:StartStreamTranscription',
      },
      'transcribe_access_denied',
    ],
  ]
  for (const [what, fault, code] of cases) {
    it(`${what} → ${code}`, async () => {
      const { messages, close } = await transcribeWith(fault)
      const last = messages.at(-1)
      expect(last).toMatchObject({
        type: 'error',
        code,
        message: expect.any(String),
        hint: expect.stringMatching(/\S{3,}/),
      })
      expect(close).toBeGreaterThanOrEqual(4000)
    })
  }
})

// ---------- Management API, through POST /api/changes ----------

const headlineBefore = () => heroField('headline')
/** A change set with the token the proxy would have put on its proposal (these tests are about the upstream). */
const signedBody = (storyId: number, changes: ChangeInput[]) => ({
  spaceId: DEMO_SPACE_ID,
  storyId,
  changes,
  token: tokenFor(world.deps, changes, { spaceId: DEMO_SPACE_ID, storyId }),
})
async function applyHeadline(after = 'A shorter headline', app: App = fastApp) {
  const res = await app.request('/api/changes', {
    method: 'POST',
    headers: auth,
    body: JSON.stringify(
      signedBody(HOME, [{ blockUid: DEMO_UIDS.hero, field: 'headline', before: headlineBefore(), after }]),
    ),
    signal: AbortSignal.timeout(DEADLINE_MS),
  })
  return {
    status: res.status,
    body: (await res.json()) as { error?: { code: string; hint?: string; message: string }; version?: string },
    headers: res.headers,
  }
}

function expectRefused(r: Awaited<ReturnType<typeof applyHeadline>>, status: number, code: string) {
  expect(r.status, JSON.stringify(r.body)).toBe(status)
  expect(r.body.error).toMatchObject({ code, message: expect.any(String), hint: expect.stringMatching(/\S{3,}/) })
}

describe('Management API faults: the right code and hint, the story fully updated or untouched', () => {
  const untouched: Array<[string, Parameters<World['storyblok']['faults']['next']>, number, string]> = [
    [
      '401 on read',
      [
        { type: 'status', status: 401 },
        { method: 'GET', path: '/stories/' },
      ],
      502,
      'storyblok_unauthorized',
    ],
    ['403 on write', [{ type: 'status', status: 403 }, { method: 'PUT' }], 502, 'storyblok_forbidden'],
    [
      '404 on read',
      [
        { type: 'status', status: 404 },
        { method: 'GET', path: '/stories/' },
      ],
      404,
      'storyblok_not_found',
    ],
    [
      '422 on write',
      [{ type: 'status', status: 422, body: { content: ['is invalid'] } }, { method: 'PUT' }],
      422,
      'storyblok_rejected',
    ],
    [
      '429 on every attempt',
      [
        { type: 'status', status: 429, retryAfterSeconds: 1 },
        { method: 'PUT', times: 20 },
      ],
      429,
      'storyblok_rate_limited',
    ],
    [
      '500 on every read',
      [
        { type: 'status', status: 500 },
        { method: 'GET', path: '/stories/', times: 20 },
      ],
      503,
      'storyblok_unavailable',
    ],
    [
      '503 on write, not saved',
      [
        { type: 'status', status: 503 },
        { method: 'PUT', times: 20 },
      ],
      503,
      'storyblok_unavailable',
    ],
    ['read timeout', [{ type: 'hang' }, { method: 'GET', path: '/stories/', times: 20 }], 504, 'upstream_timeout'],
    ['write timeout, not saved', [{ type: 'hang' }, { method: 'PUT', times: 20 }], 504, 'upstream_timeout'],
    [
      'connection reset on write, not saved',
      [{ type: 'reset' }, { method: 'PUT', times: 20 }],
      503,
      'storyblok_unavailable',
    ],
  ]
  for (const [what, fault, status, code] of untouched) {
    it(`${what} → ${status} ${code}, story untouched`, async () => {
      const before = home()
      world.storyblok.faults.next(...fault)
      expectRefused(await applyHeadline(), status, code)
      expect(home()).toEqual(before)
    })
  }

  it('a burst of 429s is retried with backoff and the story is fully updated', async () => {
    world.storyblok.faults.next({ type: 'status', status: 429 }, { method: 'PUT', times: 2 })
    const r = await applyHeadline('After a 429 burst')
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    expect(heroField('headline')).toBe('After a 429 burst')
    expect(world.storyblok.requestsTo('PUT').map((q) => q.status)).toEqual([429, 429, 200])
  })

  it('the real per-second limit under concurrent writes to different stories: each write lands or fails cleanly', async () => {
    world.storyblok.rateLimitPerSecond = 3
    try {
      const article = DEMO_STORY_IDS.article
      const articleRoot = () => world.storyblok.getStory(DEMO_SPACE_ID, article)?.content
      const results = await Promise.all([
        applyHeadline('Concurrent one'),
        Promise.resolve(
          fastApp.request('/api/changes', {
            method: 'POST',
            headers: auth,
            body: JSON.stringify(
              signedBody(article, [
                {
                  blockUid: DEMO_UIDS.articleRoot,
                  field: 'headline',
                  before: articleRoot()?.['headline'],
                  after: 'Concurrent two',
                },
              ]),
            ),
          }),
        ).then(async (res) => ({ status: res.status, body: (await res.json()) as { error?: { code: string } } })),
      ])
      for (const r of results) expect([200, 429]).toContain(r.status)
      expect(heroField('headline')).toBe(results[0]!.status === 200 ? 'Concurrent one' : storyblokDemoSeedHeadline())
    } finally {
      world.storyblok.rateLimitPerSecond = 100_000
    }
  })

  it('a 500 after the write landed: the proxy re-reads and reports success; the story is fully updated', async () => {
    world.storyblok.faults.next({ type: 'status', status: 500, afterWrite: true }, { method: 'PUT' })
    const r = await applyHeadline('Saved despite a 500')
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    expect(heroField('headline')).toBe('Saved despite a 500')
  })

  it('a connection reset after the write landed: success, fully updated', async () => {
    world.storyblok.faults.next({ type: 'reset', afterWrite: true }, { method: 'PUT' })
    const r = await applyHeadline('Saved despite a reset')
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    expect(heroField('headline')).toBe('Saved despite a reset')
  })

  it('a human save between the read and the write: every PUT is whole, and the human save is restored by a second one', async () => {
    // The Management API has no If-Match, so the first PUT (read content + the change) overwrites the human save;
    // the versions listed right after show it, and one more whole PUT puts the human's field back.
    const before = home()!
    world.storyblok.faults.afterNextGet(DEMO_SPACE_ID, HOME, (content) => {
      findBlock(content, DEMO_UIDS.hero)!['subheadline'] = 'Subheadline typed by a human'
    })
    const r = await applyHeadline('From the assistant')
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    const firstPut = structuredClone(before.content)
    findBlock(firstPut, DEMO_UIDS.hero)!['headline'] = 'From the assistant'
    const expected = structuredClone(firstPut)
    findBlock(expected, DEMO_UIDS.hero)!['subheadline'] = 'Subheadline typed by a human'
    expect(home()?.content).toEqual(expected)
    expect(
      world.storyblok.requestsTo('PUT').map((p) => (p.body as { story: { content: unknown } }).story.content),
    ).toEqual([firstPut, expected])
  })

  it('a human save before the apply (the proposal is stale) → 409 conflict, nothing written', async () => {
    const stale = headlineBefore()
    world.storyblok.editField(DEMO_SPACE_ID, HOME, DEMO_UIDS.hero, 'headline', 'Typed by a human first')
    const res = await fastApp.request('/api/changes', {
      method: 'POST',
      headers: auth,
      // Signed with the stale `before`, as the proposal was made before the human's save.
      body: JSON.stringify(
        signedBody(HOME, [{ blockUid: DEMO_UIDS.hero, field: 'headline', before: stale, after: 'From the assistant' }]),
      ),
    })
    expect(res.status).toBe(409)
    expect(((await res.json()) as { error: { code: string; hint: string } }).error).toMatchObject({
      code: 'conflict',
      hint: expect.any(String),
    })
    expect(heroField('headline')).toBe('Typed by a human first')
    expect(world.storyblok.requestsTo('PUT')).toEqual([])
  })
})

function storyblokDemoSeedHeadline(): unknown {
  const seedHome = storyblokDemoSeed()
    .spaces.flatMap((s) => s.stories)
    .find((s) => s.id === HOME)
  return findBlock(seedHome?.content, DEMO_UIDS.hero)?.['headline']
}
