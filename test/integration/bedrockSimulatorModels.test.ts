import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  type ConverseStreamRequest,
} from '@aws-sdk/client-bedrock-runtime'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { MODEL_ERRORS, reply, startBedrockSimulator, type BedrockSimulator } from '../../dev/simulators/bedrock.ts'
import { isolateAwsEnv, TEST_AWS } from '../../dev/awsEnv.ts'

const SONNET_45 = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0'
const SONNET_46 = 'us.anthropic.claude-sonnet-4-6'
const HAIKU_45 = 'global.anthropic.claude-haiku-4-5-20251001-v1:0'
const SONNET_55 = 'us.anthropic.claude-sonnet-5-5'

const restoreEnv = isolateAwsEnv()
let sim: BedrockSimulator
let client: BedrockRuntimeClient

beforeAll(async () => {
  sim = await startBedrockSimulator()
  client = new BedrockRuntimeClient({
    region: TEST_AWS.region,
    endpoint: sim.url,
    maxAttempts: 1,
    credentials: TEST_AWS,
  })
})
afterEach(() => sim.reset())
afterAll(async () => {
  client.destroy()
  await sim.close()
  restoreEnv()
})

const TOOL = {
  name: 'propose_changes',
  description: 'Propose changes.',
  inputSchema: {
    json: {
      type: 'object',
      properties: { changes: { type: 'array', items: { type: 'string' } } },
      required: ['changes'],
      additionalProperties: false,
    } as never,
  },
}

function input(modelId: string, extra: Partial<ConverseStreamRequest> = {}): ConverseStreamRequest {
  return { modelId, messages: [{ role: 'user', content: [{ text: 'Shorten the headline.' }] }], ...extra }
}

async function events(request: ConverseStreamRequest) {
  const out = await client.send(new ConverseStreamCommand(request))
  const seen: any[] = []
  for await (const e of out.stream ?? []) seen.push(e)
  return seen
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => expect.fail('expected a rejection'),
    (e: Error) => e,
  )

describe('the simulator plays model families by the model id in the path', () => {
  it('Sonnet 5.5 rejects forced tool choice with Bedrock’s text and keeps the scripted reply queued', async () => {
    sim.script(reply.text('done'))
    const err = await failure(
      events(
        input(SONNET_55, { toolConfig: { tools: [{ toolSpec: TOOL }], toolChoice: { tool: { name: TOOL.name } } } }),
      ),
    )
    expect(err.name).toBe('ValidationException')
    expect(err.message).toBe(MODEL_ERRORS.forcedToolChoice)
    expect(err.message).toContain('tool_choice: type "tool" and "any" are not supported for this model.')
    expect(sim.pending()).toBe(1)
    expect(sim.requests[0]).toMatchObject({ family: 'claude-sonnet-5-5', outcome: 'refused' })
  })

  it('Sonnet 4.5 / 4.6 / Haiku 4.5 accept forced tool choice', async () => {
    for (const id of [SONNET_45, SONNET_46, HAIKU_45]) {
      sim.script(reply.toolUse(TOOL.name, { changes: [] }))
      const seen = await events(input(id, { toolConfig: { tools: [{ toolSpec: TOOL }], toolChoice: { any: {} } } }))
      expect(seen.some((e) => e.contentBlockStart?.start?.toolUse)).toBe(true)
    }
  })

  it('strict tools: Sonnet 5.5 rejects the flag, Sonnet 4.6 checks the schema and flags impossible inputs', async () => {
    const strict = { toolSpec: { ...TOOL, strict: true } }
    const err = await failure(events(input(SONNET_55, { toolConfig: { tools: [strict] } })))
    expect(err.message).toBe(
      'The model returned the following errors: tools.0.custom.strict: Extra inputs are not permitted',
    )

    const loose = {
      toolSpec: { ...TOOL, strict: true, inputSchema: { json: { type: 'object', properties: {} } as never } },
    }
    const schemaErr = await failure(events(input(SONNET_46, { toolConfig: { tools: [loose] } })))
    expect(schemaErr.message).toMatch(/additionalProperties/)

    sim.script(reply.toolUse(TOOL.name, { changes: [1] }))
    await events(input(SONNET_46, { toolConfig: { tools: [strict] } }))
    expect(sim.requests.at(-1)?.strictViolation).toMatch(/changes\[0\] must be string/)
  })

  it('caches only checkpoints that reach the family minimum; the second identical prefix is read', async () => {
    const prefix = 'x'.repeat(3 * 4096) // ~3,072 tokens in the simulator's estimate
    const system = [{ text: prefix }, { cachePoint: { type: 'default' as const } }]
    const usage = async (id: string) => {
      const seen = await events(input(id, { system }))
      return seen.find((e) => e.metadata)?.metadata?.usage
    }
    const first = await usage(SONNET_46)
    expect(first.cacheWriteInputTokens).toBeGreaterThan(3000)
    expect(first.cacheReadInputTokens).toBe(0)
    const second = await usage(SONNET_46)
    expect(second.cacheReadInputTokens).toBe(first.cacheWriteInputTokens)
    expect(second.cacheWriteInputTokens).toBe(0)
    // Below Haiku 4.5's 4,096-token minimum nothing is cached or reported.
    const haiku = await usage(HAIKU_45)
    expect(haiku.cacheReadInputTokens).toBeUndefined()
    expect(haiku.cacheWriteInputTokens).toBeUndefined()
  })

  it('refuses more than four cache points', async () => {
    const point = { cachePoint: { type: 'default' as const } }
    const err = await failure(
      events(
        input(SONNET_45, {
          system: [
            { text: 'a' },
            point,
            { text: 'b' },
            point,
            { text: 'c' },
            point,
            { text: 'd' },
            point,
            { text: 'e' },
            point,
          ],
        }),
      ),
    )
    expect(err.message).toContain('A maximum of 4 blocks with cache_control may be provided. Found 5.')
  })

  it('Sonnet 5.5 streams a reasoning block first and wants it back before a tool turn', async () => {
    sim.script(reply.toolUse(TOOL.name, { changes: ['a'] }, { preface: 'Here.' }))
    const seen = await events(input(SONNET_55, { toolConfig: { tools: [{ toolSpec: TOOL }] } }))
    const deltas = seen.filter((e) => e.contentBlockDelta).map((e) => e.contentBlockDelta)
    expect(deltas[0]).toMatchObject({ contentBlockIndex: 0, delta: { reasoningContent: { text: expect.any(String) } } })
    expect(deltas.some((d) => d.delta.reasoningContent?.signature)).toBe(true)
    expect(deltas.find((d) => d.delta.text)?.contentBlockIndex).toBe(1)
    expect(seen.find((e) => e.contentBlockStart)?.contentBlockStart.contentBlockIndex).toBe(2)

    const toolTurn = (assistant: any[]) =>
      input(SONNET_55, {
        toolConfig: { tools: [{ toolSpec: TOOL }] },
        messages: [
          { role: 'user', content: [{ text: 'Shorten it.' }] },
          { role: 'assistant', content: assistant },
          {
            role: 'user',
            content: [{ toolResult: { toolUseId: 't1', status: 'error', content: [{ text: 'fix it' }] } }],
          },
        ],
      })
    const toolUse = { toolUse: { toolUseId: 't1', name: TOOL.name, input: { changes: ['a'] } } }
    const err = await failure(events(toolTurn([toolUse])))
    expect(err.message).toContain('messages.1.content.0.type: Expected `thinking` or `redacted_thinking`')
    sim.script(reply.text('fixed'))
    const reasoning = { reasoningContent: { reasoningText: { text: 'thinking', signature: 'sig' } } }
    await events(toolTurn([reasoning, toolUse]))
    expect(sim.requests.at(-1)?.outcome).toBe('content')
  })

  it('Converse (non-streaming) returns the reasoning block too', async () => {
    sim.script(reply.text('Hello.'))
    const out = await client.send(new ConverseCommand(input(SONNET_55)))
    expect(out.output?.message?.content?.[0]?.reasoningContent?.reasoningText?.text).toMatch(/simulated reasoning/)
    expect(out.output?.message?.content?.[1]?.text).toBe('Hello.')
  })

  it('other ids keep the permissive behaviour: forced choice and many cache points pass, usage only as scripted', async () => {
    sim.script(reply.text('ok'))
    const seen = await events(
      input('amazon.nova-pro-v1:0', { toolConfig: { tools: [{ toolSpec: TOOL }], toolChoice: { any: {} } } }),
    )
    expect(seen.find((e) => e.metadata)?.metadata?.usage.cacheReadInputTokens).toBeUndefined()
  })
})
