/**
 * Voice end to end on the server side: ticket → WebSocket → proxy (createApp + real adapter + real
 * @aws-sdk/client-transcribe-streaming over h2c) → Transcribe simulator (SigV4 and chained event signatures
 * verified) and back. Limits, tickets, disconnects, faults.
 */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createApp } from '../../proxy/createApp.ts'
import type { WsServerMessage } from '../../shared/contract.ts'
import type { Clock, Deps } from '../../proxy/deps.ts'
import type { Config } from '../../proxy/loadConfig.ts'
import { speechLikePcm } from '../support/pcm.ts'
import { serveApp, startWorld, TEST_PROXY_KEY, type ServedProxy, type World } from '../../dev/world.ts'

const PLUGIN_ORIGIN = 'https://plugins.storyblok.com'
const FRAME = 3200 // 100 ms of 16 kHz 16-bit mono

let world: World
const proxies: ServedProxy[] = []
beforeAll(async () => {
  world = await startWorld({ env: { ALLOWED_ORIGINS: PLUGIN_ORIGIN, TRANSCRIBE_LANGUAGE_OPTIONS: 'en-US,de-DE' } })
})
afterAll(async () => {
  for (const p of proxies) await p.close()
  await world?.close()
})

type Tweaks = { transcribe?: Partial<Config['transcribe']>; clock?: Clock }

/** The real app (createApp) over HTTP with WebSockets. */
async function proxy({ transcribe, clock }: Tweaks = {}): Promise<ServedProxy> {
  const deps: Deps = {
    ...world.deps,
    config: { ...world.config, transcribe: { ...world.config.transcribe, ...transcribe } },
    ...(clock ? { clock } : {}),
  }
  const served = await serveApp((upgradeWebSocket) => createApp(deps, { upgradeWebSocket }))
  proxies.push(served)
  return served
}

let defaultProxy: ServedProxy | undefined
const base = async () => (defaultProxy ??= await proxy())

async function ticket(p: ServedProxy, key = TEST_PROXY_KEY) {
  const res = await fetch(`${p.url}/api/transcribe/ticket`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}` },
  })
  return {
    res,
    body: (await res.json()) as { ticket: string; url: string; expiresInSeconds: number; error?: { code: string } },
  }
}

type Conn = {
  ws: WebSocket
  messages: WsServerMessage[]
  next(type: WsServerMessage['type']): Promise<WsServerMessage>
  closed: Promise<{ code: number; reason: string }>
}

function connect(url: string, headers: Record<string, string> = { origin: PLUGIN_ORIGIN }): Promise<Conn> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers })
    const messages: WsServerMessage[] = []
    const listeners = new Set<() => void>()
    ws.on('message', (data, isBinary) => {
      if (!isBinary) messages.push(JSON.parse(data.toString()) as WsServerMessage)
      for (const l of listeners) l()
    })
    const closed = new Promise<{ code: number; reason: string }>((r) =>
      ws.on('close', (code, reason) => r({ code, reason: reason.toString() })),
    )
    ws.on('unexpected-response', (_req, res) => {
      let body = ''
      res.on('data', (c: Buffer) => (body += c.toString()))
      res.on('end', () => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode, body })))
    })
    ws.on('error', reject)
    ws.on('open', () =>
      resolve({
        ws,
        messages,
        closed,
        next: (type) =>
          new Promise((res2, rej2) => {
            const check = () => {
              const m = messages.find((x) => x.type === type || x.type === 'error')
              if (!m) return
              listeners.delete(check)
              if (m.type !== type) rej2(new Error(`expected ${type}, got ${JSON.stringify(m)}`))
              else res2(m)
            }
            listeners.add(check)
            void closed.then(() => {
              check()
              if (listeners.has(check)) rej2(new Error(`closed before ${type}: ${JSON.stringify(messages)}`))
            })
            check()
          }),
      }),
    )
  })
}

async function open(p: ServedProxy, start: Record<string, unknown> = {}) {
  const { body } = await ticket(p)
  const conn = await connect(body.url)
  conn.ws.send(JSON.stringify({ type: 'start', sampleRate: 16_000, encoding: 'pcm', ...start }))
  await conn.next('ready')
  return conn
}

function sendAudio(ws: WebSocket, pcm: Uint8Array) {
  for (let i = 0; i < pcm.length; i += FRAME) ws.send(pcm.subarray(i, i + FRAME))
}

describe('POST /api/transcribe/ticket', () => {
  it('needs the proxy key and returns a single-use ws URL without the key in it', async () => {
    const p = await base()
    const anon = await fetch(`${p.url}/api/transcribe/ticket`, { method: 'POST' })
    expect(anon.status).toBe(401)
    const { res, body } = await ticket(p)
    expect(res.status).toBe(200)
    expect(body.expiresInSeconds).toBe(30)
    expect(body.ticket).toMatch(/^[\w-]{43}$/)
    expect(body.url).toBe(`ws://127.0.0.1:${p.port}/api/transcribe?ticket=${body.ticket}`)
    expect(body.url).not.toContain(TEST_PROXY_KEY)
  })
})

describe('WebSocket /api/transcribe', () => {
  it('relays audio through the real SDK and returns partials, then the final, then end', async () => {
    const p = await base()
    const conn = await open(p, { language: 'de' })
    const pcm = speechLikePcm({ seconds: 2.5 })
    sendAudio(conn.ws, pcm)
    const stopAt = performance.now()
    conn.ws.send(JSON.stringify({ type: 'stop' }))
    const final = await conn.next('final')
    const delay = performance.now() - stopAt
    const closed = await conn.closed
    console.info(`[voice] burst of 2.5 s audio: stop → final transcript ${delay.toFixed(1)} ms`)

    expect(final).toEqual({ type: 'final', text: 'heard 2.5 seconds of audio' })
    const types = conn.messages.map((m) => m.type)
    expect(types[0]).toBe('ready')
    expect(types.slice(-2)).toEqual(['final', 'end'])
    expect(types.filter((t) => t === 'partial').length).toBeGreaterThanOrEqual(3)
    expect(types.indexOf('partial')).toBeLessThan(types.indexOf('final'))
    expect(closed.code).toBe(1000)
    const s = world.transcribe.sessions.at(-1)!
    expect(s).toMatchObject({
      languageCode: 'de-DE',
      sampleRate: 16_000,
      mediaEncoding: 'pcm',
      bytes: pcm.length,
      signaturesOk: true,
      endedByClient: true,
      httpVersion: '2.0',
    })
  })

  it('transcribes the spoken WAV fixture, keyed on its voiced audio', async () => {
    const p = await base()
    const speech = readFileSync(new URL('../fixtures/prompt.16k.pcm', import.meta.url))
    world.transcribe.next({
      phrase: (a) =>
        a.voicedMs >= 1500 ? 'Write a hero headline for our autumn sale' : `only ${a.voicedMs} ms of speech`,
      minVoicedMs: 300,
    })
    const conn = await open(p, { language: 'en-US' })
    // Paced like a microphone (one 100 ms frame every 100 ms), so the delay below is what an editor waits.
    for (let i = 0; i < speech.length; i += FRAME) {
      conn.ws.send(speech.subarray(i, i + FRAME))
      await new Promise((r) => setTimeout(r, 100))
    }
    const partialsBeforeStop = conn.messages.filter((m) => m.type === 'partial').length
    const stopAt = performance.now()
    conn.ws.send(JSON.stringify({ type: 'stop' }))
    expect(await conn.next('final')).toEqual({ type: 'final', text: 'Write a hero headline for our autumn sale' })
    console.info(
      `[voice] real-time WAV: end of speech → final transcript ${(performance.now() - stopAt).toFixed(1)} ms`,
    )
    expect(partialsBeforeStop).toBeGreaterThan(0) // words appeared while "speaking"
    expect(world.transcribe.sessions.at(-1)?.audio.voicedMs).toBeGreaterThan(1500)
  })

  it('asks Transcribe to identify the language among TRANSCRIBE_LANGUAGE_OPTIONS and passes the vocabulary', async () => {
    const p = await proxy({ transcribe: { vocabularyName: 'brand-terms' } })
    world.transcribe.next({ phrase: 'hallo welt', identifiedLanguage: 'de-DE' })
    const conn = await open(p, { language: 'auto' })
    expect(conn.messages[0]).toMatchObject({ type: 'ready', identifyLanguage: true })
    sendAudio(conn.ws, speechLikePcm({ seconds: 1 }))
    conn.ws.send(JSON.stringify({ type: 'stop' }))
    expect(await conn.next('final')).toEqual({ type: 'final', text: 'hallo welt' })
    expect(conn.messages).toContainEqual({ type: 'language', languageCode: 'de-DE' })
    expect(world.transcribe.sessions.at(-1)).toMatchObject({
      identifyLanguage: true,
      languageOptions: ['en-US', 'de-DE'],
      vocabularyName: 'brand-terms',
    })
  })

  it('refuses a ticket the second time', async () => {
    const p = await base()
    const { body } = await ticket(p)
    const first = await connect(body.url)
    first.ws.close()
    await expect(connect(body.url)).rejects.toMatchObject({ status: 401 })
  })

  it('refuses an expired ticket', async () => {
    let offset = 0
    const p = await proxy({ clock: { now: () => Date.now() + offset } })
    const { body } = await ticket(p)
    offset = 31_000
    await expect(connect(body.url)).rejects.toMatchObject({ status: 401 })
  })

  it('refuses a missing or made-up ticket, and the API key in its place', async () => {
    const p = await base()
    const ws = `ws://127.0.0.1:${p.port}/api/transcribe`
    await expect(connect(ws)).rejects.toMatchObject({ status: 401 })
    await expect(connect(`${ws}?ticket=${'x'.repeat(43)}`)).rejects.toMatchObject({ status: 401 })
    await expect(connect(`${ws}?ticket=${TEST_PROXY_KEY}`)).rejects.toMatchObject({ status: 401 })
  })

  it('refuses a WebSocket from an origin outside ALLOWED_ORIGINS', async () => {
    const p = await base()
    const { body } = await ticket(p)
    await expect(connect(body.url, { origin: 'https://evil.example' })).rejects.toMatchObject({ status: 403 })
  })

  it('cuts an oversize frame with payload_too_large and closes', async () => {
    const p = await base()
    const conn = await open(p)
    conn.ws.send(new Uint8Array(world.config.transcribe.maxFrameBytes + 2))
    await expect(conn.next('final')).rejects.toThrow(/payload_too_large/)
    const err = conn.messages.at(-1)
    expect(err).toMatchObject({
      type: 'error',
      code: 'payload_too_large',
      message: expect.stringContaining('at most 65536 bytes'),
    })
    expect((await conn.closed).code).toBe(4413)
    await world.transcribe.waitForSession((s) => s.closedAt !== undefined && s === world.transcribe.sessions.at(-1))
  })

  it('cuts a recording longer than TRANSCRIBE_MAX_SECONDS with a clear error', async () => {
    const p = await proxy({ transcribe: { maxSeconds: 1 } })
    const conn = await open(p)
    sendAudio(conn.ws, speechLikePcm({ seconds: 1.5 }))
    await expect(conn.next('final')).rejects.toThrow(/transcribe_too_long/)
    expect(conn.messages.at(-1)).toMatchObject({
      code: 'transcribe_too_long',
      message: 'Recordings are limited to 1 seconds of audio.',
      hint: expect.any(String),
    })
    expect((await conn.closed).code).toBe(4413)
  })

  it('stops a session that sends no audio within the idle timeout', async () => {
    const p = await proxy({ transcribe: { idleTimeoutMs: 150 } })
    const conn = await open(p)
    await expect(conn.next('final')).rejects.toThrow(/transcribe_idle_timeout/)
    const sim = await world.transcribe.waitForSession(
      (s) => s === world.transcribe.sessions.at(-1) && s.closedAt !== undefined,
    )
    expect(sim.endedByClient).toBe(false)
  })

  it.each(['beforeHeaders', 'afterHeaders'] as const)(
    'gives up with upstream_timeout when Transcribe hangs (%s)',
    async (when) => {
      const p = await proxy({ transcribe: { idleTimeoutMs: 300 } })
      world.transcribe.next({ fault: { type: 'hang', when } })
      const conn = await open(p)
      sendAudio(conn.ws, speechLikePcm({ seconds: 0.5 }))
      conn.ws.send(JSON.stringify({ type: 'stop' }))
      await expect(conn.next('final')).rejects.toThrow(/upstream_timeout/)
      expect((await conn.closed).code).toBe(4504)
      const sim = world.transcribe.sessions.at(-1)!
      await sim.closed
      expect(sim.bytes).toBe(16_000)
    },
  )

  it('limits concurrent sessions per proxy key', async () => {
    const p = await proxy({ transcribe: { maxSessionsPerKey: 1 } })
    const first = await open(p)
    const second = await ticket(p)
    expect(second.res.status).toBe(429)
    expect(second.body.error?.code).toBe('transcribe_session_limit')
    first.ws.close()
    await first.closed
    await expect.poll(async () => (await ticket(p)).res.status).toBe(200)
  })

  it('resets the upstream Transcribe stream as soon as the client goes away', async () => {
    const p = await base()
    const conn = await open(p)
    sendAudio(conn.ws, speechLikePcm({ seconds: 0.5 }))
    const sim = await world.transcribe.waitForSession((s) => s.bytes >= 16_000 && s.closedAt === undefined)
    conn.ws.terminate()
    await sim.closed
    expect(sim).toMatchObject({ aborted: true, endedByClient: false })
  })

  it.each([
    [
      { type: 'exception', exceptionType: 'LimitExceededException', afterBytes: 3200 },
      'transcribe_limit_exceeded',
      4429,
    ],
    [{ type: 'exception', exceptionType: 'BadRequestException' }, 'transcribe_bad_request', 4400],
    [
      { type: 'exception', exceptionType: 'ServiceUnavailableException', afterBytes: 6400 },
      'transcribe_unavailable',
      4503,
    ],
    [
      { type: 'http', status: 403, errorType: 'AccessDeniedException', message: 'not authorized' },
      'transcribe_access_denied',
      4503,
    ],
  ] as const)('turns the Transcribe fault %o into %s for the client', async (fault, code, closeCode) => {
    const p = await base()
    world.transcribe.next({ fault })
    const conn = await open(p)
    sendAudio(conn.ws, speechLikePcm({ seconds: 1 }))
    conn.ws.send(JSON.stringify({ type: 'stop' }))
    await expect(conn.next('final')).rejects.toThrow(code)
    const err = conn.messages.at(-1)
    expect(err).toMatchObject({ type: 'error', code, message: expect.any(String), hint: expect.any(String) })
    expect((await conn.closed).code).toBe(closeCode)
  })

  it('rejects audio before start and malformed messages', async () => {
    const p = await base()
    const a = await connect((await ticket(p)).body.url)
    a.ws.send(new Uint8Array(FRAME))
    await expect(a.next('final')).rejects.toThrow(/before audio/)
    const b = await connect((await ticket(p)).body.url)
    b.ws.send(JSON.stringify({ type: 'start', sampleRate: 44_100, encoding: 'pcm' }))
    await expect(b.next('ready')).rejects.toThrow(/bad_request/)
  })
})

describe('GET /recorder', () => {
  it('serves the self-contained recorder for an allowed opener origin, with a nonce CSP and its opener kept', async () => {
    const p = await base()
    const res = await fetch(`${p.url}/recorder?origin=${encodeURIComponent(PLUGIN_ORIGIN)}&sid=abcdef0123456789`)
    expect(res.status).toBe(200)
    const html = await res.text()
    const csp = res.headers.get('content-security-policy') ?? ''
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1]
    expect(nonce).toBeTruthy()
    expect(html).toContain(`<script nonce="${nonce}">`)
    expect(html).toContain('"origin":"https://plugins.storyblok.com"')
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/)
    expect(csp).toContain("frame-ancestors 'none'")
    expect(res.headers.get('cross-origin-opener-policy')).not.toBe('same-origin')
  })

  it('serves the page built from plugin/recorder (settings as inert JSON, the shared speech code inline)', async () => {
    const p = await base()
    const res = await fetch(
      `${p.url}/recorder?origin=${encodeURIComponent(PLUGIN_ORIGIN)}&sid=abcdef0123456789&lang=de`,
    )
    const html = await res.text()
    const settings = /<script type="application\/json" id="recorder-settings">([^<]*)<\/script>/.exec(html)?.[1]
    expect(JSON.parse(settings ?? '')).toEqual({ origin: PLUGIN_ORIGIN, sid: 'abcdef0123456789', lang: 'de' })
    expect(html.match(/<script nonce=/g)).toHaveLength(1)
    expect(html).toContain('voice-capture-16k')
    expect(html).not.toContain('__RECORDER_')
  })

  it('answers with a clear page, and tells the operator, when the recorder page was not built', async () => {
    const logs: string[] = []
    const log = {
      ...world.deps.log,
      warn: (msg: string, fields?: object) => logs.push(JSON.stringify({ msg, ...fields })),
    }
    const app = createApp(
      { ...world.deps, log, config: { ...world.config, recorder: { pagePath: '/nonexistent/recorder.html' } } },
      { upgradeWebSocket: (() => () => undefined) as never },
    )
    const res = await app.request(`/recorder?origin=${encodeURIComponent(PLUGIN_ORIGIN)}&sid=abcdef0123456789`)
    expect(res.status).toBe(503)
    const html = await res.text()
    expect(html).toContain('The recorder window is not available')
    expect(html).not.toMatch(/<script|nonexistent/)
    expect(logs).toEqual([
      expect.stringMatching(/recorder page unavailable.*nonexistent\/recorder\.html.*npm run build/),
    ])
  })

  it('refuses to serve a recorder that would post transcripts to an unknown origin', async () => {
    const p = await base()
    const res = await fetch(
      `${p.url}/recorder?origin=${encodeURIComponent('https://evil.example')}&sid=abcdef0123456789`,
    )
    expect(res.status).toBe(400)
    expect(await res.text()).not.toContain('evil.example')
  })
})
