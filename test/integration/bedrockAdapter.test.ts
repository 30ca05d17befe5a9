import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createBedrock, type CreateBedrockOptions } from '../../proxy/adapters/bedrock.ts'
import { AppError, type ErrorCode } from '../../proxy/http/appError.ts'
import type { ModelEvent, ModelRequest } from '../../proxy/deps.ts'
import {
  AWS_ERRORS,
  reply,
  startBedrockSimulator,
  type BedrockSimulator,
  type SimReply,
} from '../../dev/simulators/bedrock.ts'
import { isolateAwsEnv, TEST_AWS } from '../../dev/awsEnv.ts'

const MODEL = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0'
const restoreEnv = isolateAwsEnv()
let sim: BedrockSimulator
const clients: BedrockRuntimeClient[] = []

beforeAll(async () => {
  sim = await startBedrockSimulator({ expiredTokens: ['expired-session-token'] })
  sim.addSecret('ASIATESTSESSION00001', { secretAccessKey: 'session-secret', sessionToken: 'expired-session-token' })
})
afterEach(() => sim.reset())
afterAll(async () => {
  for (const c of clients) c.destroy()
  await sim.close()
  restoreEnv()
})

type Protocol = 'h2' | 'h1'

function client(
  protocol: Protocol,
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = TEST_AWS,
) {
  const c = new BedrockRuntimeClient({
    region: TEST_AWS.region,
    endpoint: sim.url,
    maxAttempts: 1,
    credentials,
    ...(protocol === 'h1' ? { requestHandler: new NodeHttpHandler() } : {}),
  })
  clients.push(c)
  return c
}

function bedrock(protocol: Protocol, opts: Partial<CreateBedrockOptions> = {}) {
  return createBedrock({
    modelId: MODEL,
    region: TEST_AWS.region,
    maxTokens: 512,
    retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 2 },
    ...opts,
    client: opts.client ?? client(protocol),
  })
}

const request: ModelRequest = {
  system: [{ text: 'You edit Storyblok stories.' }, { cachePoint: { type: 'default' } }],
  messages: [{ role: 'user', content: [{ text: 'Make the headline shorter' }] }],
}

async function collect(iterable: AsyncIterable<ModelEvent>): Promise<ModelEvent[]> {
  const out: ModelEvent[] = []
  for await (const e of iterable) out.push(e)
  return out
}

async function failureOf(promise: Promise<unknown>): Promise<AppError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(AppError)
  return err as AppError
}

describe.each<Protocol>(['h2', 'h1'])('Bedrock adapter over %s', (protocol) => {
  it('streams text deltas in order, then blockStop, messageStop and usage', async () => {
    sim.script(
      reply.text('Hello from the simulator, three words.', {
        usage: { inputTokens: 321, outputTokens: 7, cacheReadInputTokens: 300 },
      }),
    )
    const events = await collect(bedrock(protocol).stream(request, new AbortController().signal))

    const text = events.filter((e) => e.type === 'text')
    expect(text.length).toBeGreaterThan(1)
    expect(text.map((e) => e.delta).join('')).toBe('Hello from the simulator, three words.')
    expect(events.slice(text.length).map((e) => e.type)).toEqual(['blockStop', 'messageStop', 'usage'])
    expect(events.at(-2)).toEqual({ type: 'messageStop', stopReason: 'end_turn' })
    expect(events.at(-1)).toMatchObject({
      type: 'usage',
      usage: { inputTokens: 321, outputTokens: 7, cacheReadInputTokens: 300 },
    })
  })

  it('sends the system blocks, cache point, tools and max tokens Claude should receive', async () => {
    const tools = [{ name: 'propose_change', description: 'Propose an edit', inputSchema: { type: 'object' } }]
    await collect(bedrock(protocol).stream({ ...request, tools, toolChoice: 'any' }, new AbortController().signal))

    const [seen] = sim.requests
    expect(seen).toMatchObject({
      operation: 'converse-stream',
      modelId: MODEL,
      akid: TEST_AWS.accessKeyId,
      aborted: false,
    })
    expect(seen?.body.system).toEqual([{ text: 'You edit Storyblok stories.' }, { cachePoint: { type: 'default' } }])
    expect(seen?.body.inferenceConfig).toEqual({ maxTokens: 512 })
    expect(seen?.body.toolConfig).toEqual({
      tools: [
        {
          toolSpec: {
            name: 'propose_change',
            description: 'Propose an edit',
            inputSchema: { json: { type: 'object' } },
          },
        },
      ],
      toolChoice: { any: {} },
    })
    expect(seen?.headers).not.toHaveProperty('authorization')
  })

  it('sends strict tools as such and never asks for more tokens than the model can write', async () => {
    const tools = [{ name: 'propose_change', description: 'd', inputSchema: { type: 'object' }, strict: true }]
    // An unknown (non-Claude) id: the table allows 4,096 output tokens.
    await collect(
      bedrock(protocol, { modelId: 'amazon.nova-pro-v1:0', maxTokens: 10_000 }).stream(
        { ...request, tools },
        new AbortController().signal,
      ),
    )
    expect(sim.requests[0]?.body.toolConfig.tools[0].toolSpec.strict).toBe(true)
    expect(sim.requests[0]?.body.inferenceConfig).toEqual({ maxTokens: 4096 })
  })

  it('yields reasoning deltas as their own events, apart from the answer text (Sonnet 5.5)', async () => {
    sim.script(reply.text('The answer.'))
    const events = await collect(
      bedrock(protocol, { modelId: 'us.anthropic.claude-sonnet-5-5' }).stream(request, new AbortController().signal),
    )
    const reasoning = events.filter((e) => e.type === 'reasoning')
    expect(reasoning.map((e) => e.text ?? '').join('')).toMatch(/simulated reasoning/)
    expect(reasoning.at(-1)).toMatchObject({ index: 0, signature: expect.any(String) })
    expect(
      events
        .filter((e) => e.type === 'text')
        .map((e) => e.delta)
        .join(''),
    ).toBe('The answer.')
    expect(events.filter((e) => e.type === 'text').every((e) => e.index === 1)).toBe(true)
  })

  it('streams tool use as a start event and partial-JSON deltas', async () => {
    const input = { field: 'headline', value: 'Shorter, punchier headline', reason: 'requested' }
    sim.script(reply.toolUse('propose_change', input, { preface: 'Sure.', toolUseId: 'tooluse_1', chunkSize: 10 }))
    const events = await collect(bedrock(protocol).stream(request, new AbortController().signal))

    expect(events).toContainEqual({ type: 'toolUseStart', index: 1, toolUseId: 'tooluse_1', name: 'propose_change' })
    const deltas = events.filter((e) => e.type === 'toolUseDelta')
    expect(deltas.length).toBeGreaterThan(3)
    expect(JSON.parse(deltas.map((e) => e.input).join(''))).toEqual(input)
    expect(events).toContainEqual({ type: 'messageStop', stopReason: 'tool_use' })
  })

  it('cancels the upstream request when the caller aborts mid-stream', async () => {
    sim.script(reply.text('one two three four five six seven eight nine ten eleven twelve', { tokenDelayMs: 30 }))
    const controller = new AbortController()
    const seen: ModelEvent[] = []
    const run = (async () => {
      for await (const e of bedrock(protocol).stream(request, controller.signal)) {
        seen.push(e)
        if (seen.length === 2) controller.abort()
      }
    })()
    await expect(run).rejects.toThrow()
    await sim.waitFor(() => sim.requests[0]?.aborted)
    expect(sim.requests[0]).toMatchObject({ aborted: true, finished: false })
    expect(seen.length).toBeLessThan(12)
  })

  it('cancels the upstream request when the consumer stops iterating', async () => {
    sim.script(reply.text('one two three four five six seven eight nine ten eleven twelve', { tokenDelayMs: 30 }))
    for await (const e of bedrock(protocol).stream(request, new AbortController().signal)) if (e.type === 'text') break
    await sim.waitFor(() => sim.requests[0]?.aborted)
    expect(sim.requests[0]?.finished).toBe(false)
  })

  it.each<[string, SimReply]>([
    ['a truncated frame', reply.truncated()],
    ['a dropped connection', reply.dropped()],
    ['a clean end without messageStop', reply.noMessageStop()],
  ])('reports %s as bedrock_stream_truncated', async (_name, script) => {
    sim.script(script)
    const err = await failureOf(collect(bedrock(protocol).stream(request, new AbortController().signal)))
    expect(err.code).toBe('bedrock_stream_truncated')
  })

  it('retries HTTP throttling, then succeeds', async () => {
    sim.script(AWS_ERRORS.throttling, AWS_ERRORS.throttling, reply.text('Finally through.'))
    const events = await collect(bedrock(protocol).stream(request, new AbortController().signal))
    expect(
      events
        .filter((e) => e.type === 'text')
        .map((e) => e.type === 'text' && e.delta)
        .join(''),
    ).toBe('Finally through.')
    expect(sim.requests.map((r) => r.outcome)).toEqual([
      'httpError:ThrottlingException',
      'httpError:ThrottlingException',
      'content',
    ])
  })

  it('gives up after the configured retries with bedrock_throttled and a Retry-After', async () => {
    sim.script(AWS_ERRORS.throttling, AWS_ERRORS.throttling, AWS_ERRORS.throttling, reply.text('never reached'))
    const err = await failureOf(collect(bedrock(protocol).stream(request, new AbortController().signal)))
    expect(err).toMatchObject({ code: 'bedrock_throttled', status: 429 })
    expect(err.retryAfterSeconds).toBeGreaterThan(0)
    expect(sim.requests).toHaveLength(3)
  })

  it('maps mid-stream throttling to bedrock_throttled without retrying', async () => {
    sim.script(reply.streamException('throttlingException', 'Too many tokens, please wait before trying again.'))
    const events: ModelEvent[] = []
    const err = await failureOf(
      (async () => {
        for await (const e of bedrock(protocol).stream(request, new AbortController().signal)) events.push(e)
      })(),
    )
    expect(err.code).toBe('bedrock_throttled')
    expect(events.some((e) => e.type === 'text')).toBe(true)
    expect(sim.requests).toHaveLength(1)
  })

  it('reports a wrong secret as aws_signature_mismatch (the simulator really checks signatures)', async () => {
    const wrong = bedrock(protocol, {
      client: client(protocol, { accessKeyId: TEST_AWS.accessKeyId, secretAccessKey: 'not-the-secret' }),
    })
    const err = await failureOf(collect(wrong.stream(request, new AbortController().signal)))
    expect(err.code).toBe('aws_signature_mismatch')
    expect(sim.requests[0]?.authError).toBe('InvalidSignatureException')
  })

  it('times out with upstream_timeout when Claude sends no first token, and cancels upstream', async () => {
    sim.script(reply.hang())
    const err = await failureOf(
      collect(bedrock(protocol, { firstTokenTimeoutMs: 150 }).stream(request, new AbortController().signal)),
    )
    expect(err.code).toBe('upstream_timeout')
    await sim.waitFor(() => sim.requests[0]?.aborted)
  })

  it('times out with upstream_timeout when the stream stalls after some tokens', async () => {
    sim.script({ type: 'content', blocks: [{ text: 'one two three four' }], fault: { kind: 'hang', afterEvents: 3 } })
    const events: ModelEvent[] = []
    const err = await failureOf(
      (async () => {
        for await (const e of bedrock(protocol, { firstTokenTimeoutMs: 150 }).stream(
          request,
          new AbortController().signal,
        ))
          events.push(e)
      })(),
    )
    expect(err.code).toBe('upstream_timeout')
    expect(events.some((e) => e.type === 'text')).toBe(true)
    await sim.waitFor(() => sim.requests[0]?.aborted)
  })

  it('lets a steady stream run longer than the timeout: each event restarts it', async () => {
    sim.script(reply.text('one two three four five six seven eight', { tokenDelayMs: 100 }))
    const events = await collect(
      bedrock(protocol, { firstTokenTimeoutMs: 400 }).stream(request, new AbortController().signal),
    )
    expect(
      events
        .filter((e) => e.type === 'text')
        .map((e) => (e.type === 'text' ? e.delta : ''))
        .join(''),
    ).toBe('one two three four five six seven eight')
    expect(events.some((e) => e.type === 'messageStop')).toBe(true)
  })

  it('times out a non-streaming Converse that never answers', async () => {
    sim.script(reply.hang())
    const err = await failureOf(
      bedrock(protocol, { converseTimeoutMs: 150 }).converse(request, new AbortController().signal),
    )
    expect(err.code).toBe('upstream_timeout')
  })

  it('answers a non-streaming Converse with text, tool uses and usage', async () => {
    sim.script(
      reply.toolUse(
        'propose_change',
        { value: 'x' },
        { preface: 'Here:', toolUseId: 't1', usage: { inputTokens: 10, outputTokens: 4 } },
      ),
    )
    const out = await bedrock(protocol).converse(request, new AbortController().signal)
    expect(out).toMatchObject({
      text: 'Here:',
      toolUses: [{ toolUseId: 't1', name: 'propose_change', input: { value: 'x' } }],
      stopReason: 'tool_use',
      usage: { inputTokens: 10, outputTokens: 4 },
    })
    expect(sim.requests[0]?.operation).toBe('converse')
  })
})

describe('Bedrock failures through the real SDK map to operator-facing codes', () => {
  const cases: Array<[name: string, code: ErrorCode, script: SimReply]> = [
    ['ThrottlingException', 'bedrock_throttled', AWS_ERRORS.throttling],
    ['ThrottlingException per day', 'bedrock_throttled', AWS_ERRORS.tokensPerDay],
    ['ServiceQuotaExceededException', 'bedrock_throttled', AWS_ERRORS.serviceQuotaExceeded],
    ['ModelNotReadyException', 'bedrock_throttled', AWS_ERRORS.modelNotReady],
    ['AccessDenied (IAM)', 'bedrock_access_denied', AWS_ERRORS.accessDeniedIam],
    ['AccessDenied (model access)', 'bedrock_model_not_enabled', AWS_ERRORS.accessDeniedModel],
    ['AccessDenied (marketplace)', 'bedrock_model_not_enabled', AWS_ERRORS.accessDeniedMarketplace],
    ['ResourceNotFound (use case form)', 'bedrock_model_not_enabled', AWS_ERRORS.useCaseForm],
    ['ResourceNotFound (legacy)', 'bedrock_model_id_invalid', AWS_ERRORS.legacyModel],
    ['Validation (invalid model id)', 'bedrock_model_id_invalid', AWS_ERRORS.invalidModelId],
    ['Validation (on-demand throughput)', 'bedrock_inference_profile_required', AWS_ERRORS.onDemandNotSupported()],
    ['Validation (other)', 'bedrock_validation', AWS_ERRORS.temperatureAndTopP],
    ['ServiceUnavailableException', 'bedrock_unavailable', AWS_ERRORS.serviceUnavailable],
    ['InternalServerException', 'bedrock_unavailable', AWS_ERRORS.internalServer],
    ['ModelTimeoutException', 'upstream_timeout', AWS_ERRORS.modelTimeout],
    ['ExpiredTokenException (HTTP)', 'aws_credentials_expired', AWS_ERRORS.expiredToken],
    ['UnrecognizedClientException (HTTP)', 'aws_credentials_invalid', AWS_ERRORS.unrecognizedClient],
    [
      'mid-stream modelStreamErrorException',
      'bedrock_unavailable',
      reply.streamException('modelStreamErrorException', 'Model stream error'),
    ],
    [
      'mid-stream serviceUnavailableException',
      'bedrock_unavailable',
      reply.streamException('serviceUnavailableException', 'Bedrock is unable to process your request.'),
    ],
    [
      'mid-stream internalServerException',
      'bedrock_unavailable',
      reply.streamException('internalServerException', 'Internal error'),
    ],
    [
      'mid-stream validationException',
      'bedrock_validation',
      reply.streamException('validationException', 'Input is too long for requested model.'),
    ],
    ['InvalidSignatureException (HTTP)', 'aws_signature_mismatch', AWS_ERRORS.invalidSignature],
    [
      'mid-stream PascalCase (unmodelled) ThrottlingException',
      'bedrock_throttled',
      reply.streamException('ThrottlingException', 'Too many requests, please wait before trying again.'),
    ],
  ]

  it.each(cases)('%s -> %s', async (_name, code, script) => {
    sim.script(script, script, script)
    const adapter = bedrock('h2', { retry: { retries: 0 } })
    const err = await failureOf(collect(adapter.stream(request, new AbortController().signal)))
    expect(err.code).toBe(code)
    expect(err.hint).toBeTruthy()
    expect(JSON.stringify({ m: err.message, h: err.hint })).not.toContain(TEST_AWS.secretAccessKey)
  })

  it('says the seed model id is not real and suggests the inference profile id', async () => {
    sim.script(AWS_ERRORS.invalidModelId)
    const seed = bedrock('h2', { modelId: 'anthropic.claude-sonnet-4-5-v1:0' })
    const err = await failureOf(collect(seed.stream(request, new AbortController().signal)))
    expect(err.code).toBe('bedrock_model_id_invalid')
    expect(err.message).toContain('not a real')
    expect(err.hint).toContain('us.anthropic.claude-sonnet-4-6')
    expect(sim.requests[0]?.modelId).toBe('anthropic.claude-sonnet-4-5-v1:0')
  })

  it('suggests the regional profile for a base id that needs one', async () => {
    sim.script(AWS_ERRORS.onDemandNotSupported('anthropic.claude-sonnet-4-5-20250929-v1:0'))
    const base = bedrock('h2', { modelId: 'anthropic.claude-sonnet-4-5-20250929-v1:0' })
    const err = await failureOf(collect(base.stream(request, new AbortController().signal)))
    expect(err.hint).toContain('us.anthropic.claude-sonnet-4-5-20250929-v1:0')
  })

  it('maps an unknown access key to aws_credentials_invalid', async () => {
    const stranger = bedrock('h2', {
      client: client('h2', { accessKeyId: 'AKIDUNKNOWN000000000', secretAccessKey: 'whatever' }),
    })
    const err = await failureOf(stranger.converse(request, new AbortController().signal))
    expect(err.code).toBe('aws_credentials_invalid')
    expect(sim.requests[0]?.authError).toBe('UnrecognizedClientException')
  })

  it('maps an expired session token to aws_credentials_expired', async () => {
    const expired = bedrock('h2', {
      client: client('h2', {
        accessKeyId: 'ASIATESTSESSION00001',
        secretAccessKey: 'session-secret',
        sessionToken: 'expired-session-token',
      }),
    })
    const err = await failureOf(expired.converse(request, new AbortController().signal))
    expect(err.code).toBe('aws_credentials_expired')
    expect(sim.requests[0]?.authError).toBe('ExpiredTokenException')
  })

  it('answers with a clearly simulated reply when nothing is scripted', async () => {
    const out = await bedrock('h2').converse(request, new AbortController().signal)
    expect(out.text).toMatch(/^\[simulated Claude\]/)
    expect(out.text).toContain('Make the headline shorter')
  })

  it('lets scriptFn answer from the prompt (e.g. a tool use)', async () => {
    sim.setScriptFn((body) => (body?.toolConfig ? reply.toolUse('propose_change', { ok: true }) : undefined))
    try {
      const tools = [{ name: 'propose_change', description: 'd', inputSchema: { type: 'object' } }]
      const events = await collect(bedrock('h2').stream({ ...request, tools }, new AbortController().signal))
      expect(events).toContainEqual(expect.objectContaining({ type: 'toolUseStart', name: 'propose_change' }))
    } finally {
      sim.setScriptFn(undefined)
    }
  })
})
