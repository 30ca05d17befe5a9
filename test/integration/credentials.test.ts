import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime'
import { fromNodeProviderChain } from '@aws-sdk/credential-providers'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createBedrock } from '../../proxy/adapters/bedrock.ts'
import { createCredentials } from '../../proxy/adapters/credentials.ts'
import { AppError } from '../../proxy/http/appError.ts'
import type { ModelRequest } from '../../proxy/deps.ts'
import { startBedrockSimulator, type BedrockSimulator } from '../../dev/simulators/bedrock.ts'
import { startContainerCredentials } from '../../dev/simulators/containerCredentials.ts'
import { isolateAwsEnv, TEST_AWS } from '../../dev/awsEnv.ts'

const MODEL = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0'
const request: ModelRequest = {
  system: [{ text: 'Be brief.' }],
  messages: [{ role: 'user', content: [{ text: 'Hello' }] }],
}
const env = process.env

let sim: BedrockSimulator
let restoreEnv: () => void
const cleanups: Array<() => unknown> = []

beforeAll(async () => {
  sim = await startBedrockSimulator()
})
beforeEach(() => {
  restoreEnv = isolateAwsEnv()
})
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
  sim.reset()
  restoreEnv()
})
afterAll(() => sim.close())

/**
 * Production wiring: no credentials and no endpoint in code; the SDK resolves the default chain and
 * AWS_ENDPOINT_URL_BEDROCK_RUNTIME itself.
 */
function chainBedrock() {
  env['AWS_ENDPOINT_URL_BEDROCK_RUNTIME'] = sim.url
  const client = new BedrockRuntimeClient({ region: TEST_AWS.region, maxAttempts: 1 })
  cleanups.push(() => client.destroy())
  return createBedrock({ client, modelId: MODEL, region: TEST_AWS.region, maxTokens: 100 })
}

const ask = () => chainBedrock().converse(request, new AbortController().signal)

describe('AWS credential sources through the real default provider chain', () => {
  it('uses environment variables with a session token, which the simulator checks', async () => {
    sim.addSecret('ASIAENVSESSION000001', { secretAccessKey: 'env-secret', sessionToken: 'env-session-token' })
    env['AWS_ACCESS_KEY_ID'] = 'ASIAENVSESSION000001'
    env['AWS_SECRET_ACCESS_KEY'] = 'env-secret'
    env['AWS_SESSION_TOKEN'] = 'env-session-token'

    const check = await createCredentials({ provider: fromNodeProviderChain() }).check()
    expect(check).toEqual({ ok: true, source: 'environment variables' })
    await ask()
    expect(sim.requests.at(-1)?.akid).toBe('ASIAENVSESSION000001')

    env['AWS_SESSION_TOKEN'] = 'some-other-token'
    const err = await ask().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(AppError)
    expect((err as AppError).code).toBe('aws_credentials_invalid')
  })

  it('uses a shared credentials file selected by AWS_PROFILE (which beats environment keys)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'voice-creds-'))
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    const file = path.join(dir, 'credentials')
    writeFileSync(
      file,
      `[default]\naws_access_key_id = AKIDDEFAULTPROFILE01\naws_secret_access_key = nope\n\n` +
        `[voice]\naws_access_key_id = AKIDPROFILEVOICE0001\naws_secret_access_key = profile-secret\n`,
    )
    sim.addSecret('AKIDPROFILEVOICE0001', { secretAccessKey: 'profile-secret' })
    env['AWS_SHARED_CREDENTIALS_FILE'] = file
    env['AWS_PROFILE'] = 'voice'
    env['AWS_ACCESS_KEY_ID'] = TEST_AWS.accessKeyId
    env['AWS_SECRET_ACCESS_KEY'] = TEST_AWS.secretAccessKey

    const check = await createCredentials({ provider: fromNodeProviderChain(), profile: env['AWS_PROFILE'] }).check()
    expect(check).toEqual({ ok: true, source: 'shared credentials file (profile voice)' })
    await ask()
    expect(sim.requests.at(-1)?.akid).toBe('AKIDPROFILEVOICE0001')
  })

  it('fetches a container role again once it expires, and signs with the rotated key', async () => {
    // Under 5 minutes left counts as expired for the SDK, so every call needs a fresh fetch.
    const container = await startContainerCredentials({
      ttlMs: 4 * 60_000,
      authToken: 'container-auth-token',
      secrets: sim.secrets,
    })
    cleanups.push(() => container.close())
    env['AWS_CONTAINER_CREDENTIALS_FULL_URI'] = container.url
    env['AWS_CONTAINER_AUTHORIZATION_TOKEN'] = 'container-auth-token'

    const check = await createCredentials({ provider: fromNodeProviderChain() }).check()
    expect(check).toMatchObject({ ok: true, source: 'container role (ECS)' })
    expect(check.ok && check.expiresAt).toBeInstanceOf(Date)

    const bedrock = chainBedrock()
    await bedrock.converse(request, new AbortController().signal)
    const fetchesAfterFirst = container.fetches
    await bedrock.converse(request, new AbortController().signal)

    expect(container.fetches).toBeGreaterThan(fetchesAfterFirst)
    const [first, second] = sim.requests.map((r) => r.akid)
    expect(first).toMatch(/^ASIACONTAINER/)
    expect(second).toMatch(/^ASIACONTAINER/)
    expect(second).not.toBe(first)
    expect(container.issued.map((c) => c.AccessKeyId)).toContain(second)
    expect(container.requests.every((r) => r.authorized)).toBe(true)
  })

  it('keeps using a container role until it is near expiry', async () => {
    const container = await startContainerCredentials({ ttlMs: 60 * 60_000, secrets: sim.secrets })
    cleanups.push(() => container.close())
    env['AWS_CONTAINER_CREDENTIALS_FULL_URI'] = container.url

    const bedrock = chainBedrock()
    await bedrock.converse(request, new AbortController().signal)
    await bedrock.converse(request, new AbortController().signal)
    expect(container.fetches).toBe(1)
    expect(new Set(sim.requests.map((r) => r.akid)).size).toBe(1)
  })

  it('reports a container endpoint that rejects the authorization token', async () => {
    const container = await startContainerCredentials({ authToken: 'expected-token', secrets: sim.secrets })
    cleanups.push(() => container.close())
    env['AWS_CONTAINER_CREDENTIALS_FULL_URI'] = container.url
    env['AWS_CONTAINER_AUTHORIZATION_TOKEN'] = 'wrong-token'

    // maxRetries 0: the SDK would otherwise retry a rejected fetch for about 3 s.
    const check = await createCredentials({ provider: fromNodeProviderChain({ maxRetries: 0 }) }).check()
    expect(check.ok).toBe(false)
    expect(container.requests.some((r) => !r.authorized)).toBe(true)
    expect(container.fetches).toBe(0)
  })

  it('reports missing credentials as aws_credentials_missing with a fix', async () => {
    const check = await createCredentials({ provider: fromNodeProviderChain() }).check()
    expect(check.ok).toBe(false)
    expect(check.error).toMatch(/no AWS credentials/i)
    expect(check.error).toContain('AWS_ACCESS_KEY_ID')

    const err = await ask().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(AppError)
    expect((err as AppError).code).toBe('aws_credentials_missing')
    expect(sim.requests).toHaveLength(0)
  })
})
