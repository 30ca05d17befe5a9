/**
 * The proxy's short path for ConverseStream events (proxy/adapters/bedrockEventStream.ts) yields exactly what the
 * SDK's own deserializer yields, and exceptions keep their modelled types: two real SDK clients, one with the
 * default marshaller and one with the proxy's, read the same scripted replies from the Bedrock simulator.
 */
import { BedrockRuntimeClient, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bedrockEventStreamSerde } from '../../proxy/adapters/bedrockEventStream.ts'
import { bedrockRequestHandler } from '../../proxy/adapters/bedrockRequestHandler.ts'
import { reply, startBedrockSimulator, type BedrockSimulator, type SimReply } from '../../dev/simulators/bedrock.ts'
import { isolateAwsEnv, TEST_AWS } from '../../dev/awsEnv.ts'

const MODEL = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0'
const restoreEnv = isolateAwsEnv()
let sim: BedrockSimulator
let sdk: BedrockRuntimeClient
let proxy: BedrockRuntimeClient

beforeAll(async () => {
  sim = await startBedrockSimulator({ firstTokenDelayMs: 0, tokenDelayMs: 0 })
  const common = { region: TEST_AWS.region, endpoint: sim.url, maxAttempts: 1, credentials: TEST_AWS }
  sdk = new BedrockRuntimeClient({ ...common, requestHandler: bedrockRequestHandler() })
  proxy = new BedrockRuntimeClient({
    ...common,
    requestHandler: bedrockRequestHandler(),
    eventStreamSerdeProvider: bedrockEventStreamSerde,
  })
})
afterAll(async () => {
  sdk?.destroy()
  proxy?.destroy()
  await sim?.close()
  restoreEnv()
})

async function events(client: BedrockRuntimeClient, script: SimReply): Promise<{ events: unknown[]; error?: unknown }> {
  sim.script(script)
  const out = await client.send(
    new ConverseStreamCommand({ modelId: MODEL, messages: [{ role: 'user', content: [{ text: 'Hi' }] }] }),
  )
  const seen: unknown[] = []
  try {
    for await (const event of out.stream ?? []) {
      // The simulator's measured latency differs between two requests; everything else must match.
      if (event.metadata?.metrics) event.metadata.metrics.latencyMs = 0
      seen.push(event)
    }
  } catch (error) {
    return { events: seen, error }
  }
  return { events: seen }
}

describe('ConverseStream events through the proxy marshaller', () => {
  it('yields the same events as the SDK for text, tool input in chunks and usage', async () => {
    const scripts = [
      reply.text('Three short words, then more.', { usage: { inputTokens: 12, outputTokens: 7 } }),
      reply.toolUse(
        'propose_changes',
        { changes: [{ blockUid: 'b1', field: 'headline', value: 'Ünïcode “quotes”' }] },
        {
          toolUseId: 'tooluse_fixed_1',
          preface: 'Here is a proposal.',
          chunkSize: 7,
          usage: { inputTokens: 40, outputTokens: 30, cacheReadInputTokens: 5 },
        },
      ),
    ]
    for (const script of scripts) {
      const expected = await events(sdk, script)
      const actual = await events(proxy, script)
      expect(expected.error).toBeUndefined()
      expect(expected.events.length).toBeGreaterThan(3)
      expect(actual).toEqual(expected)
    }
  })

  it('keeps the SDK path for a mid-stream exception: same events before it, same modelled error', async () => {
    const script = reply.streamException('throttlingException', 'Too many tokens, please wait.')
    const expected = await events(sdk, script)
    const actual = await events(proxy, script)
    expect(expected.error).toBeInstanceOf(Error)
    expect(actual.events).toEqual(expected.events)
    expect((actual.error as Error).name).toBe((expected.error as Error).name)
    expect((actual.error as Error).message).toBe((expected.error as Error).message)
    expect((actual.error as Error).constructor).toBe((expected.error as Error).constructor)
  })
})
