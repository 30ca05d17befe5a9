import { getEventListeners } from 'node:events'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { AWS_ERRORS, reply } from '../../dev/simulators/bedrock.ts'
import { DEMO_SPACE_ID, DEMO_STORY_IDS } from '../../dev/simulators/storyblok.ts'
import { readSse } from '../support/sse.ts'
import { startWorld, type World } from '../../dev/world.ts'

let world: World
const auth = () => ({ authorization: `Bearer ${world.proxyKey}` })
const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...auth(), ...headers },
  body: JSON.stringify(body),
})
const conversation = (content = 'Write a hero headline', extra: Record<string, unknown> = {}) => ({
  spaceId: DEMO_SPACE_ID,
  storyId: DEMO_STORY_IDS.home,
  messages: [{ role: 'user', content }],
  ...extra,
})

beforeAll(async () => {
  world = await startWorld({ env: { DEBUG: 'true' } })
})
afterAll(async () => {
  await world?.close()
})
beforeEach(() => {
  world.bedrock.reset()
})

describe('health and readiness', () => {
  it('answers /health like the original service', async () => {
    const res = await fetch(`${world.proxyUrl}/health`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'healthy', service: 'Storyblok Voice Assistant', version: '1.0.0-test' })
  })

  it('is ready when credentials resolve and a Storyblok token is set, naming the source (to a key holder) but no secret', async () => {
    // Without a key only ready / not ready.
    const anonymous = await fetch(`${world.proxyUrl}/ready`)
    expect(anonymous.status).toBe(200)
    expect(await anonymous.json()).toEqual({ status: 'ready' })
    const res = await fetch(`${world.proxyUrl}/ready`, { headers: auth() })
    const body = await res.json()
    expect(res.status).toBe(200)
    expect(body.status).toBe('ready')
    expect(body.checks.awsCredentials).toMatchObject({ ok: true, source: expect.stringMatching(/environment/i) })
    expect(JSON.stringify(body)).not.toContain('test-secret-voice-assistant')
  })

  it('test-bedrock makes one signed Converse call and reports latency and usage', async () => {
    world.bedrock.script(reply.text('ok', { usage: { inputTokens: 12, outputTokens: 1 } }))
    const res = await fetch(`${world.proxyUrl}/api/test-bedrock`, { headers: auth() })
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body).toMatchObject({
      ok: true,
      region: 'us-east-1',
      modelId: world.config.bedrock.modelId,
      usage: { inputTokens: 12, outputTokens: 1 },
    })
    expect(typeof body.latencyMs).toBe('number')
    expect(world.bedrock.requests.at(-1)).toMatchObject({ operation: 'converse' })
  })

  it('test-bedrock reports a mapped AWS error in the envelope', async () => {
    world.bedrock.script(reply.error(AWS_ERRORS.accessDeniedModel))
    const res = await fetch(`${world.proxyUrl}/api/test-bedrock`, { headers: auth() })
    const body = await res.json()
    expect(res.status).toBe(503)
    expect(body.error).toMatchObject({ code: 'bedrock_model_not_enabled', requestId: expect.any(String) })
    expect(body.error.hint).toMatch(/model access/i)
  })
})

describe('POST /api/conversation', () => {
  it('streams meta, text deltas in order, usage and done', async () => {
    world.bedrock.script(reply.text('Autumn deals are here, friends!', { usage: { inputTokens: 40, outputTokens: 7 } }))
    const res = await fetch(`${world.proxyUrl}/api/conversation`, json(conversation()))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/)
    const events = await readSse(res)
    const names = events.map((e) => e.event)
    expect(names[0]).toBe('meta')
    expect(names.at(-1)).toBe('done')
    expect(names.filter((n) => n === 'text').length).toBeGreaterThan(3)
    expect(names.indexOf('usage')).toBeGreaterThan(names.lastIndexOf('text'))
    const text = events
      .filter((e) => e.event === 'text')
      .map((e) => e.data.delta)
      .join('')
    expect(text).toBe('Autumn deals are here, friends!')
    expect(events[0]!.data).toMatchObject({
      requestId: res.headers.get('x-request-id'),
      modelId: world.config.bedrock.modelId,
      simulated: true,
    })
    expect(events.find((e) => e.event === 'usage')!.data).toMatchObject({
      inputTokens: 40,
      outputTokens: 7,
      modelId: world.config.bedrock.modelId,
    })
    // The prompt reached Bedrock as the user's message.
    expect(JSON.stringify(world.bedrock.requests.at(-1)!.body.messages)).toContain('Write a hero headline')
  })

  it('returns one JSON object with Accept: application/json', async () => {
    world.bedrock.script(reply.text('Short and sweet.'))
    const res = await fetch(`${world.proxyUrl}/api/conversation`, json(conversation(), { accept: 'application/json' }))
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body).toMatchObject({
      text: 'Short and sweet.',
      modelId: world.config.bedrock.modelId,
      requestId: expect.any(String),
    })
  })

  it('goes on with a 25-turn thread holding an over-long older prompt: older turns trimmed, the editor told', async () => {
    world.bedrock.script(reply.text('Still here.'))
    const messages = Array.from({ length: 49 }, (_, i) => ({
      role: i % 2 ? 'assistant' : 'user',
      content: i === 2 ? 'x'.repeat(9000) : `turn ${i + 1}`,
    }))
    const res = await fetch(
      `${world.proxyUrl}/api/conversation`,
      json(conversation('', { messages }), { accept: 'application/json' }),
    )
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body.text).toBe('Still here.')
    expect(body.notices).toContainEqual(expect.objectContaining({ code: 'thread_trimmed' }))
    const sent: Array<{ role: string; content: Array<{ text?: string }> }> =
      world.bedrock.requests.at(-1)!.body.messages
    expect(sent.length).toBeLessThanOrEqual(40)
    expect(sent[0]!.role).toBe('user')
    expect(
      sent
        .at(-1)!
        .content.map((c) => c.text)
        .join(''),
    ).toContain('turn 49')
  })

  it('maps an AWS failure in JSON mode to its status and code', async () => {
    world.bedrock.script(reply.error(AWS_ERRORS.onDemandNotSupported()))
    const res = await fetch(`${world.proxyUrl}/api/conversation`, json(conversation(), { accept: 'application/json' }))
    expect(res.status).toBe(503)
    const body = await res.json()
    expect(body.error.code).toBe('bedrock_inference_profile_required')
  })

  it('ends a stream that stops without messageStop with an error, not a silent success', async () => {
    world.bedrock.script(reply.noMessageStop())
    const events = await readSse(await fetch(`${world.proxyUrl}/api/conversation`, json(conversation())))
    const error = events.find((e) => e.event === 'error')
    expect(error?.data).toMatchObject({ code: 'bedrock_stream_truncated', requestId: expect.any(String) })
    expect(events.at(-1)!.event).toBe('done')
  })

  it('leaves no listener on the process-long shutdown signal once a turn is over', async () => {
    world.bedrock.script(reply.text('First.'), reply.text('Second.'))
    await readSse(await fetch(`${world.proxyUrl}/api/conversation`, json(conversation())))
    await (
      await fetch(`${world.proxyUrl}/api/conversation`, json(conversation(), { accept: 'application/json' }))
    ).json()
    expect(getEventListeners(world.lifecycle.deadline, 'abort')).toHaveLength(0)
  })

  it('aborts the Bedrock stream as soon as the client disconnects', async () => {
    world.bedrock.script(
      reply.text('one two three four five six seven eight nine ten eleven twelve', { tokenDelayMs: 200 }),
    )
    const ac = new AbortController()
    const res = await fetch(`${world.proxyUrl}/api/conversation`, { ...json(conversation()), signal: ac.signal })
    const reader = res.body!.getReader()
    let seen = ''
    while (!seen.includes('event: text')) seen += new TextDecoder().decode((await reader.read()).value)
    ac.abort()
    await world.bedrock.waitFor(() => world.bedrock.requests.at(-1)?.aborted, 5000)
    expect(world.bedrock.requests.at(-1)!.finished).toBe(false)
  })
})

describe('input validation', () => {
  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${world.proxyUrl}/api/conversation`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth(), ...headers },
      body,
    })

  const cases: Array<[string, unknown, RegExp]> = [
    ['wrong types', { spaceId: '1', storyId: 2, messages: [{ role: 'user', content: 'x' }] }, /spaceId/],
    ['no messages', { spaceId: 1, storyId: 2, messages: [] }, /at least one message/],
    [
      'too many messages',
      {
        spaceId: 1,
        storyId: 2,
        messages: Array.from({ length: 201 }, (_, i) => ({ role: i % 2 ? 'user' : 'assistant', content: 'x' })),
      },
      /at most 200/,
    ],
    [
      'a newest message too long',
      { spaceId: 1, storyId: 2, messages: [{ role: 'user', content: 'x'.repeat(8001) }] },
      /newest message must be at most 8000 characters/,
    ],
    [
      'an older message beyond the body bound',
      {
        spaceId: 1,
        storyId: 2,
        messages: [
          { role: 'user', content: 'x'.repeat(32_001) },
          { role: 'assistant', content: 'b' },
          { role: 'user', content: 'c' },
        ],
      },
      /at most 32000 characters/,
    ],
    [
      'last message not from the user',
      {
        spaceId: 1,
        storyId: 2,
        messages: [
          { role: 'user', content: 'a' },
          { role: 'assistant', content: 'b' },
        ],
      },
      /last message must come from the user/,
    ],
    ['unknown fields', { spaceId: 1, storyId: 2, messages: [{ role: 'user', content: 'x' }], admin: true }, /admin/],
    ['an unknown role', { spaceId: 1, storyId: 2, messages: [{ role: 'system', content: 'x' }] }, /role/],
  ]
  it.each(cases)('rejects %s with a 400 envelope', async (_name, body, message) => {
    const res = await post(JSON.stringify(body))
    expect(res.status).toBe(400)
    const envelope = await res.json()
    expect(envelope.error).toMatchObject({ code: 'bad_request', requestId: expect.any(String) })
    expect(envelope.error.message).toMatch(message)
    expect(world.bedrock.requests).toHaveLength(0)
  })

  it('rejects malformed JSON', async () => {
    const res = await post('{"spaceId": 1,')
    expect(res.status).toBe(400)
    expect((await res.json()).error.message).toMatch(/not valid JSON/)
  })

  it('rejects a non-JSON content type with 415', async () => {
    const res = await post('{}', { 'content-type': 'text/plain' })
    expect(res.status).toBe(415)
    expect((await res.json()).error.code).toBe('unsupported_media_type')
  })

  it('answers unknown routes with the 404 envelope', async () => {
    const res = await fetch(`${world.proxyUrl}/api/nope`, { headers: auth() })
    expect(res.status).toBe(404)
    expect((await res.json()).error.code).toBe('not_found')
  })
})

describe('auth and CORS', () => {
  it('refuses /api/* without a key or with a wrong one', async () => {
    const attempts: Array<Record<string, string>> = [
      {},
      { authorization: 'Bearer wrong-key-wrong-key-wrong' },
      { authorization: world.proxyKey },
    ]
    for (const headers of attempts) {
      const res = await fetch(`${world.proxyUrl}/api/conversation`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: '{}',
      })
      expect(res.status).toBe(401)
      expect((await res.json()).error.code).toBe('unauthorized')
    }
  })

  it('hides /api/test-bedrock unless DEBUG is on', async () => {
    const quiet = await startWorld()
    try {
      const res = await fetch(`${quiet.proxyUrl}/api/test-bedrock`, {
        headers: { authorization: `Bearer ${quiet.proxyKey}` },
      })
      expect(res.status).toBe(404)
      expect(quiet.bedrock.requests).toHaveLength(0)
    } finally {
      await quiet.close()
    }
  })

  it('allows the Storyblok plugin origin and refuses others', async () => {
    const preflight = (origin: string) =>
      fetch(`${world.proxyUrl}/api/conversation`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type',
        },
      })
    const ok = await preflight('https://plugins.storyblok.com')
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://plugins.storyblok.com')
    expect(ok.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization')
    expect(ok.headers.get('access-control-allow-credentials')).toBeNull()
    const evil = await preflight('https://evil.example')
    expect(evil.headers.get('access-control-allow-origin')).toBeNull()
  })
})
