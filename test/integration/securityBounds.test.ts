/**
 * Issue 14, less to leak and bounded resources: what a reply may say, what /ready tells a stranger, where the
 * transcription ticket points, how large a WebSocket frame may get, and that shutdown never cuts a write that landed.
 * Real app, real adapters and SDK clients against the simulators.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { ChangesResult } from '../../shared/contract.ts'
import { createApp } from '../../proxy/createApp.ts'
import { createLifecycle } from '../../proxy/lifecycle.ts'
import { AWS_ERRORS, reply } from '../../dev/simulators/bedrockScript.ts'
import {
  DEMO_SPACE_ID,
  DEMO_STORY_IDS,
  DEMO_UIDS,
  findBlock,
  storyblokDemoSeed,
} from '../../dev/simulators/storyblok.ts'
import { startWorld, TEST_PROXY_KEY, type World } from '../../dev/world.ts'
import { tokenFor } from '../support/changeTokens.ts'
import { readSse } from '../support/sse.ts'

const HOME: number = DEMO_STORY_IDS.home
const PLUGIN_ORIGIN = 'https://plugins.storyblok.com'
const auth = { authorization: `Bearer ${TEST_PROXY_KEY}`, 'content-type': 'application/json' }
/** The routes without a socket to upgrade (app.request): a stand-in upgrader mounts them all the same. */
const noUpgrade = (() => async () => undefined) as never

let world: World
beforeAll(async () => {
  world = await startWorld()
})
afterAll(async () => {
  await world?.close()
})
beforeEach(() => {
  for (const sp of storyblokDemoSeed().spaces) for (const s of sp.stories) world.storyblok.setStory(sp.spaceId, s)
  world.storyblok.faults.clear()
  world.storyblok.faults.latencyMs = 0
  world.storyblok.clearRequests()
  world.bedrock.reset()
})

describe('less to leak', () => {
  it('keeps AWS account ids and role ARNs out of replies; the log keeps them', async () => {
    world.bedrock.script(reply.error(AWS_ERRORS.accessDeniedIam))
    const res = await fetch(`${world.proxyUrl}/api/conversation`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ spaceId: DEMO_SPACE_ID, storyId: HOME, messages: [{ role: 'user', content: 'Hi' }] }),
    })
    const events = await readSse(res)
    const error = events.find((e) => e.event === 'error')
    expect(error?.data).toMatchObject({ code: 'bedrock_access_denied' })
    const said = JSON.stringify(events)
    expect(said).not.toContain('123456789012')
    expect(said).not.toMatch(/arn:aws/)
    expect(said).not.toContain('voice-proxy/session')
    expect(world.logs.join('\n')).toContain('arn:aws:sts::123456789012:assumed-role/voice-proxy/session')
  })

  it('keeps internal URLs (the Management API address) out of replies', async () => {
    const changes = [{ blockUid: DEMO_UIDS.hero, field: 'headline', before: 'x', after: 'y' }]
    const token = tokenFor(world.deps, changes, { spaceId: DEMO_SPACE_ID, storyId: HOME })
    world.storyblok.faults.next({ type: 'reset' }, { times: 10 })
    const res = await fetch(`${world.proxyUrl}/api/changes`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ spaceId: DEMO_SPACE_ID, storyId: HOME, changes, token }),
    })
    const text = await res.text()
    expect(JSON.parse(text)).toMatchObject({ error: { code: 'storyblok_unavailable' } })
    expect(text).not.toContain(new URL(world.storyblok.url).host)
    expect(text).toContain('(an internal address)')
    expect(world.logs.join('\n')).toContain(new URL(world.storyblok.url).host)
  })

  it('answers /ready without a key with ready / not ready only', async () => {
    const anonymous = await fetch(`${world.proxyUrl}/ready`)
    expect(await anonymous.json()).toEqual({ status: 'ready' })
    const wrongKey = await fetch(`${world.proxyUrl}/ready`, {
      headers: { authorization: 'Bearer nope-nope-nope-nope' },
    })
    expect(await wrongKey.json()).toEqual({ status: 'ready' })
    const keyed = (await (await fetch(`${world.proxyUrl}/ready`, { headers: auth })).json()) as { checks?: unknown }
    expect(keyed.checks).toBeDefined()
  })

  it('builds the transcription ticket URL from PUBLIC_URL, whatever Host and X-Forwarded-Proto say', async () => {
    const config = { ...world.config, publicUrl: 'https://voice.example.com' }
    const app = createApp({ ...world.deps, config }, { upgradeWebSocket: noUpgrade })
    const res = await app.request('http://evil.example/api/transcribe/ticket', {
      method: 'POST',
      headers: { ...auth, host: 'evil.example', 'x-forwarded-proto': 'http' },
    })
    const body = (await res.json()) as { url: string; ticket: string }
    expect(body.url).toBe(`wss://voice.example.com/api/transcribe?ticket=${body.ticket}`)
  })
})

describe('a model id that is an ARN', () => {
  let arnWorld: World
  beforeAll(async () => {
    arnWorld = await startWorld({
      env: {
        BEDROCK_MODEL_ID: 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5',
        BEDROCK_MODEL_FAMILY: 'claude-sonnet-4-6',
      },
    })
  })
  afterAll(async () => arnWorld?.close())

  it('is shown without its account in meta and usage', async () => {
    arnWorld.bedrock.script(reply.text('ok'))
    const res = await fetch(`${arnWorld.proxyUrl}/api/conversation`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ spaceId: DEMO_SPACE_ID, storyId: HOME, messages: [{ role: 'user', content: 'Hi' }] }),
    })
    const events = await readSse(res)
    expect(events.find((e) => e.event === 'meta')?.data.modelId).toBe('application-inference-profile/a1b2c3d4e5')
    expect(events.find((e) => e.event === 'usage')?.data.modelId).toBe('application-inference-profile/a1b2c3d4e5')
    expect(JSON.stringify(events)).not.toContain('123456789012')
  })
})

describe('bounded WebSocket frames', () => {
  async function openSocket(): Promise<{ ws: WebSocket; texts: string[]; closed: Promise<number> }> {
    const res = await fetch(`${world.proxyUrl}/api/transcribe/ticket`, { method: 'POST', headers: auth })
    const { url } = (await res.json()) as { url: string }
    const ws = new WebSocket(url, { headers: { origin: PLUGIN_ORIGIN } })
    const texts: string[] = []
    ws.on('message', (data, binary) => void (binary || texts.push(data.toString())))
    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)))
    await new Promise((resolve, reject) => (ws.on('open', resolve), ws.on('error', reject)))
    return { ws, texts, closed }
  }

  it('refuses a frame far over the frame size before buffering it, binary or text, and echoes nothing', async () => {
    const huge = 2 * 1024 * 1024
    const binary = await openSocket()
    binary.ws.send(JSON.stringify({ type: 'start', sampleRate: 16_000, encoding: 'pcm' }))
    binary.ws.send(new Uint8Array(huge))
    // 1009 "message too big": the library's refusal from the frame header.
    expect(await binary.closed).toBe(1009)

    const text = await openSocket()
    text.ws.send(`{"type":"start","note":"${'LEAK'.repeat(huge / 4)}"}`)
    expect(await text.closed).toBe(1009)
    expect(text.texts.join('')).not.toContain('LEAK')
  })
})

describe('a wall-clock bound per recording', () => {
  let shortWorld: World
  beforeAll(async () => {
    shortWorld = await startWorld({
      env: { TRANSCRIBE_MAX_SESSION_SECONDS: '1', TRANSCRIBE_IDLE_TIMEOUT_SECONDS: '5' },
    })
  })
  afterAll(async () => shortWorld?.close())

  it('closes a recording kept open by a trickle of audio with transcribe_too_long', async () => {
    const res = await fetch(`${shortWorld.proxyUrl}/api/transcribe/ticket`, { method: 'POST', headers: auth })
    const { url } = (await res.json()) as { url: string }
    const ws = new WebSocket(url, { headers: { origin: PLUGIN_ORIGIN } })
    const texts: string[] = []
    ws.on('message', (data, binary) => void (binary || texts.push(data.toString())))
    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)))
    await new Promise((resolve, reject) => (ws.on('open', resolve), ws.on('error', reject)))
    ws.send(JSON.stringify({ type: 'start', sampleRate: 16_000, encoding: 'pcm' }))
    // Two bytes every 100 ms: never idle, far below the audio limit.
    const trickle = setInterval(() => ws.readyState === WebSocket.OPEN && ws.send(new Uint8Array(2)), 100)
    try {
      expect(await closed).toBe(4413)
    } finally {
      clearInterval(trickle)
    }
    expect(texts.map((t) => JSON.parse(t) as { type: string; code?: string }).at(-1)).toMatchObject({
      type: 'error',
      code: 'transcribe_too_long',
    })
  })
})

describe('shutdown and story writes', () => {
  it('waits for a running apply past the grace period, so the client gets its undo token', async () => {
    const lifecycle = createLifecycle()
    const app = createApp(world.deps, { lifecycle })
    const before = findBlock(world.storyblok.getStory(DEMO_SPACE_ID, HOME)?.content, DEMO_UIDS.hero)?.['headline']
    const changes = [{ blockUid: DEMO_UIDS.hero, field: 'headline', before, after: 'Landed during shutdown' }]
    const token = tokenFor(world.deps, changes, { spaceId: DEMO_SPACE_ID, storyId: HOME })
    // The read and the write take 1.5 s each: longer than the 0 s grace plus the 2 s drain.
    world.storyblok.faults.latencyMs = 1500
    const apply = Promise.resolve(
      app.request('/api/changes', {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ spaceId: DEMO_SPACE_ID, storyId: HOME, changes, token }),
      }),
    ).then(async (res) => ({ status: res.status, body: (await res.json()) as ChangesResult }))
    await new Promise((r) => setTimeout(r, 100))
    await lifecycle.shutdown(0)
    // When shutdown returns (the process would exit), the write has landed.
    expect(world.storyblok.requestsTo('PUT')).toHaveLength(1)
    const result = await apply
    expect(result.status).toBe(200)
    expect(result.body.undoToken).toEqual(expect.any(String))
    expect(findBlock(world.storyblok.getStory(DEMO_SPACE_ID, HOME)?.content, DEMO_UIDS.hero)?.['headline']).toBe(
      'Landed during shutdown',
    )
  }, 20_000)

  it('does not start a write once the grace period is over', async () => {
    const lifecycle = createLifecycle()
    await lifecycle.shutdown(0)
    let started = false
    await expect(
      lifecycle.write(async () => {
        started = true
      }),
    ).rejects.toMatchObject({ code: 'shutting_down' })
    expect(started).toBe(false)
  })
})
