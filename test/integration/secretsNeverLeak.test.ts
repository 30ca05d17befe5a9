/**
 * Runs whole scenarios (conversations, upstream failures, client mistakes, health/ready/test-bedrock, write-back
 * when mounted, the boot of the real process) and scans every log line, response body and response header for
 * the AWS secret key, the session token, the Storyblok token and the proxy keys.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createApp } from '../../proxy/createApp.ts'
import { AWS_ERRORS, reply } from '../../dev/simulators/bedrockScript.ts'
import {
  DEMO_PAT,
  DEMO_SPACE_ID,
  DEMO_STORY_IDS,
  DEMO_UIDS,
  findBlock,
  OTHER_SPACE_ID,
} from '../../dev/simulators/storyblok.ts'
import { TEST_AWS } from '../../dev/awsEnv.ts'
import { simulatorEnv, spawnProxy } from '../support/spawnProxy.ts'
import { serveApp, startWorld, TEST_PROXY_KEY, type World } from '../../dev/world.ts'
import { tokenFor } from '../support/changeTokens.ts'

// A role session: the proxy signs with a session token, which must never surface.
const SESSION = {
  accessKeyId: 'ASIATESTVOICESESSION1',
  secretAccessKey: 'sessSecretNeverShown/Qw7Rt5Yu3Io1Pa9Sd8Fg',
  sessionToken: 'IQoJb3JpZ2luX2VjEHsessTokNeverShownZx4Cv6Bn8Mm2Kk0Jj',
}
const SECOND_KEY = 'second-proxy-key-never-shown-ghijklmnop'
const SIGNING_SECRET = 'change-signing-secret-never-shown-0123456789abcdef'

const SECRETS: Record<string, string> = {
  'AWS secret key': TEST_AWS.secretAccessKey,
  'session secret key': SESSION.secretAccessKey,
  'session token': SESSION.sessionToken,
  'Storyblok token': DEMO_PAT,
  'proxy key': TEST_PROXY_KEY,
  'second proxy key': SECOND_KEY,
  'change signing secret': SIGNING_SECRET,
}

/** Reports where a secret (or a long piece of it) shows up. */
function findSecrets(text: string, where: string): string[] {
  const found: string[] = []
  for (const [name, value] of Object.entries(SECRETS)) {
    // Any 12-character window of the secret counts, so a truncated or partially masked copy is caught too.
    for (let i = 0; i + 12 <= value.length; i += 4) {
      if (text.includes(value.slice(i, i + 12))) {
        found.push(`${name} in ${where}`)
        break
      }
    }
  }
  return found
}

type Seen = { where: string; text: string }
const seen: Seen[] = []

async function record(where: string, res: Response): Promise<Response> {
  const body = await res.text()
  seen.push({ where: `${where} body`, text: body })
  seen.push({ where: `${where} headers`, text: JSON.stringify([...res.headers]) })
  return new Response(body, { status: res.status, headers: res.headers })
}

let world: World
const auth = (key = TEST_PROXY_KEY) => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json' })
const talk = (extra: Record<string, unknown> = {}, key?: string, headers: Record<string, string> = {}) =>
  fetch(`${world.proxyUrl}/api/conversation`, {
    method: 'POST',
    headers: { ...auth(key), ...headers },
    body: JSON.stringify({
      spaceId: DEMO_SPACE_ID,
      storyId: DEMO_STORY_IDS.home,
      messages: [{ role: 'user', content: 'Shorten the hero headline' }],
      ...extra,
    }),
  })

beforeAll(async () => {
  world = await startWorld({
    env: {
      DEBUG: 'true',
      LOG_LEVEL: 'debug',
      PROXY_API_KEYS: `${TEST_PROXY_KEY},${SECOND_KEY}@${DEMO_SPACE_ID}`,
      CHANGE_SIGNING_SECRET: SIGNING_SECRET,
    },
  })
  // Switch the SDK's default chain to session credentials before anything resolves them.
  process.env['AWS_ACCESS_KEY_ID'] = SESSION.accessKeyId
  process.env['AWS_SECRET_ACCESS_KEY'] = SESSION.secretAccessKey
  process.env['AWS_SESSION_TOKEN'] = SESSION.sessionToken
  world.bedrock.addSecret(SESSION.accessKeyId, {
    secretAccessKey: SESSION.secretAccessKey,
    sessionToken: SESSION.sessionToken,
  })
})
afterAll(async () => {
  await world?.close()
})

describe('secrets never leak', () => {
  it('signs with the session credentials (so the scan below covers them)', async () => {
    const res = await record('conversation', await talk())
    expect(res.status).toBe(200)
    expect(world.bedrock.requests.at(-1)?.akid).toBe(SESSION.accessKeyId)
  })

  it('runs the happy paths: SSE, JSON, health, ready, test-bedrock', async () => {
    await record('conversation json', await talk({}, undefined, { accept: 'application/json' }))
    await record('health', await fetch(`${world.proxyUrl}/health`))
    const ready = await record('ready', await fetch(`${world.proxyUrl}/ready`))
    expect(ready.status).toBe(200)
    const test = await record('test-bedrock', await fetch(`${world.proxyUrl}/api/test-bedrock`, { headers: auth() }))
    expect(test.status).toBe(200)
  })

  it('runs every Bedrock failure the simulator can produce', async () => {
    const failures = [
      AWS_ERRORS.accessDeniedIam,
      AWS_ERRORS.accessDeniedModel,
      AWS_ERRORS.expiredToken,
      AWS_ERRORS.unrecognizedClient,
      AWS_ERRORS.invalidSignature,
      AWS_ERRORS.invalidModelId,
      AWS_ERRORS.onDemandNotSupported(),
      AWS_ERRORS.useCaseForm,
      AWS_ERRORS.serviceUnavailable,
      AWS_ERRORS.throttling,
      AWS_ERRORS.internalServer,
    ]
    for (const failure of failures) {
      world.bedrock.script(reply.error(failure), reply.error(failure))
      await record(`bedrock ${failure.errorType}`, await talk())
      world.bedrock.reset()
    }
    world.bedrock.script(
      reply.streamException('throttlingException', 'Too many tokens, please wait before trying again.'),
    )
    await record('mid-stream throttling', await talk())
    world.bedrock.script(reply.truncated())
    await record('truncated', await talk())
    world.bedrock.script(reply.dropped())
    await record('dropped', await talk())
    world.bedrock.script(reply.error(AWS_ERRORS.accessDeniedIam))
    await record('test-bedrock denied', await fetch(`${world.proxyUrl}/api/test-bedrock`, { headers: auth() }))
  })

  it('runs client mistakes: no key, wrong key, other space, bad body, unknown route, oversize', async () => {
    await record('no key', await fetch(`${world.proxyUrl}/api/conversation`, { method: 'POST', body: '{}' }))
    await record('wrong key', await talk({}, `${TEST_PROXY_KEY}-wrong`))
    await record('other space', await talk({ spaceId: OTHER_SPACE_ID }, SECOND_KEY))
    await record(
      'bad json',
      await fetch(`${world.proxyUrl}/api/conversation`, { method: 'POST', headers: auth(), body: '{"spaceId": 1,' }),
    )
    await record('bad types', await talk({ storyId: 'x', messages: 'hi' }))
    await record('unknown route', await fetch(`${world.proxyUrl}/api/nope`, { headers: auth() }))
    // The proxy answers 413 before reading the body and may close the socket under the sender: that is fine here.
    await talk({ draft: { x: 'y'.repeat(world.config.access.bodyLimitBytes) } }).then(
      (r) => record('oversize', r),
      () => undefined,
    )
  })

  it('runs write-back scenarios: a successful apply and every Storyblok failure', async () => {
    const apply = (content: string) =>
      fetch(`${world.proxyUrl}/api/changes`, {
        method: 'POST',
        headers: auth(),
        body: JSON.stringify(
          ((changes) => ({
            spaceId: DEMO_SPACE_ID,
            storyId: DEMO_STORY_IDS.home,
            changes,
            token: tokenFor(world.deps, changes, { spaceId: DEMO_SPACE_ID, storyId: DEMO_STORY_IDS.home }),
          }))([{ blockUid: DEMO_UIDS.hero, field: 'headline', before: heroHeadline(), after: content }]),
        ),
      })
    const heroHeadline = () =>
      findBlock(world.storyblok.getStory(DEMO_SPACE_ID, DEMO_STORY_IDS.home)?.content, DEMO_UIDS.hero)?.['headline']
    const probe = await record('changes probe', await apply('Probe'))
    expect(probe.status).toBe(200)
    for (const status of [401, 403, 404, 422, 429, 500, 503]) {
      world.storyblok.faults.next({ type: 'status', status }, { times: 5 })
      await record(`changes storyblok ${status}`, await apply(`After ${status}`))
      world.storyblok.faults.clear()
    }
    world.storyblok.faults.next({ type: 'reset' })
    await record('changes reset', await apply('After reset'))
    world.storyblok.faults.clear()
  })

  it('runs a voice session: ticket, WebSocket, Transcribe refusing the session credentials', async () => {
    const served = await serveApp((upgradeWebSocket) => createApp(world.deps, { upgradeWebSocket }))
    try {
      const t = await record(
        'ticket',
        await fetch(`${served.url}/api/transcribe/ticket`, { method: 'POST', headers: auth() }),
      )
      const { url } = (await t.json()) as { url: string }
      const ws = new WebSocket(url, { headers: { origin: 'https://plugins.storyblok.com' } })
      const messages: string[] = []
      ws.on('message', (data, binary) => void (!binary && messages.push(data.toString())))
      const closed = new Promise<void>((resolve) => ws.on('close', () => resolve()))
      await new Promise<void>((resolve, reject) => (ws.on('open', () => resolve()), ws.on('error', reject)))
      ws.send(JSON.stringify({ type: 'start', sampleRate: 16_000, encoding: 'pcm' }))
      ws.send(new Uint8Array(3200))
      ws.send(JSON.stringify({ type: 'stop' }))
      const timer = setTimeout(() => ws.terminate(), 10_000)
      await closed
      clearTimeout(timer)
      expect(messages.some((m) => m.includes('"type":"error"'))).toBe(true)
      seen.push({ where: 'websocket messages', text: messages.join('\n') })
    } finally {
      await served.close()
    }
  })

  it('finds no secret in any reply or log line', async () => {
    expect(seen.length).toBeGreaterThan(50)
    expect(world.logs.length).toBeGreaterThan(10)
    const leaks = [
      ...seen.flatMap((s) => findSecrets(s.text, s.where)),
      ...world.logs.flatMap((line, i) => findSecrets(line, `log line ${i}: ${line.slice(0, 120)}`)),
    ]
    expect(leaks).toEqual([])
  })

  it('the scan itself finds a planted secret', () => {
    expect(findSecrets(`{"x":"${SESSION.sessionToken.slice(5, 30)}"}`, 'planted')).toEqual(['session token in planted'])
  })
})

describe('secrets never leak from the real process', () => {
  it('prints no secret at boot, while serving, on SIGTERM, or when the configuration is invalid', async () => {
    const urls = { bedrock: world.bedrock.url, transcribe: world.transcribe.url, storyblok: world.storyblok.url }
    const env = simulatorEnv(urls, {
      DEBUG: 'true',
      LOG_LEVEL: 'debug',
      AWS_ACCESS_KEY_ID: SESSION.accessKeyId,
      AWS_SECRET_ACCESS_KEY: SESSION.secretAccessKey,
      AWS_SESSION_TOKEN: SESSION.sessionToken,
      PROXY_API_KEYS: `${TEST_PROXY_KEY},${SECOND_KEY}@${DEMO_SPACE_ID}`,
      CHANGE_SIGNING_SECRET: `${SIGNING_SECRET},second-${SIGNING_SECRET}`,
      AWS_BEARER_TOKEN_BEDROCK: `ABSKQmVkcm9ja0FQSUtleS${SESSION.sessionToken}`,
    })
    const proxy = await spawnProxy({ env })
    let output = ''
    try {
      world.bedrock.script(reply.text('Hello'), reply.error(AWS_ERRORS.expiredToken))
      for (const res of [
        await fetch(`${proxy.url}/ready`),
        await fetch(`${proxy.url}/api/test-bedrock`, { headers: auth() }),
        await fetch(`${proxy.url}/api/test-bedrock`, { headers: auth() }),
        await fetch(`${proxy.url}/api/test-bedrock`, { headers: auth(`${SECOND_KEY}x`) }),
      ]) {
        seen.push({ where: 'child reply', text: (await res.text()) + JSON.stringify([...res.headers]) })
      }
    } finally {
      const exit = await proxy.stop('SIGTERM')
      output = proxy.output()
      expect(exit.code).toBe(0)
    }
    expect(output).toContain('AWS credentials resolved')
    expect(findSecrets(output, 'child output')).toEqual([])
    expect(seen.filter((s) => s.where === 'child reply').flatMap((s) => findSecrets(s.text, s.where))).toEqual([])

    // A boot that fails validation names the variables, never their values.
    const bad = await spawnProxy({
      env: {
        ...env,
        STORYBLOK_OAUTH_TOKEN: `${DEMO_PAT}-oauth`,
        PROXY_API_KEYS: `short,${TEST_PROXY_KEY}@not-a-space,${SECOND_KEY}`,
      },
    }).then(
      () => 'started',
      (err: Error) => err.message,
    )
    expect(bad).toMatch(/exited with 1/)
    expect(bad).toMatch(/STORYBLOK_OAUTH_TOKEN/)
    expect(findSecrets(bad, 'config error output')).toEqual([])
  })
})
