import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime'
import { TranscribeStreamingClient } from '@aws-sdk/client-transcribe-streaming'
import { bedrockRequestHandler } from '../proxy/adapters/bedrockRequestHandler.ts'
import { isolateAwsEnv, TEST_AWS } from '../dev/awsEnv.ts'
import { TEST_PROXY_KEY } from '../dev/world.ts'
import { startBedrockSimulator, type BedrockSimulator } from '../dev/simulators/bedrock.ts'
import { DEMO_PAT, startStoryblokSimulator, type StoryblokSimulator } from '../dev/simulators/storyblok.ts'
import { startTranscribeSimulator, type TranscribeSimulator } from '../dev/simulators/transcribe.ts'
import { proxyEntry as defaultProxyEntry, spawnProxy, type Spawned } from './spawnServer.ts'
import { startDelayRelay, type DelayRelay } from './delayRelay.ts'

/** The fixed simulated model: first token after 300 ms, then 50 tokens/s. */
export const MODEL = { firstTokenDelayMs: 300, tokenDelayMs: 20, tokens: 40 } as const
/** Amazon Transcribe finalises a few hundred ms after the audio ends; the simulator answers at once, a relay adds it. */
export const TRANSCRIBE_FINAL_DELAY_MS = 200

export type BenchWorld = {
  bedrock: BedrockSimulator
  transcribe: TranscribeSimulator
  transcribeRelay: DelayRelay
  storyblok: StoryblokSimulator
  proxy: Spawned
  proxyKey: string
  /** SDK clients in this process aimed at the same simulators: the "direct" side of every ratio. */
  direct: { bedrock: BedrockRuntimeClient; transcribe: TranscribeStreamingClient }
  proxyEnv: Record<string, string>
  /** The proxy's entry file: the compiled build, proxy/main.ts, or a patched copy (BENCH_PROXY); see proxyEntry(). */
  proxyEntry: string
  proxyNodeArgs: string[]
  close(): Promise<void>
}

/** Answer text of the simulated model: `MODEL.tokens` word tokens. */
export function modelAnswer(tokens: number = MODEL.tokens): string {
  return Array.from({ length: tokens }, (_, i) => `word${i}`).join(' ')
}

/**
 * Simulators in this process, the proxy as a child process (its own event loop and memory, like production),
 * and SDK clients built the way proxy/buildDeps.ts builds them.
 */
export async function startBenchWorld({
  tokens = MODEL.tokens,
  proxyEntry = defaultProxyEntry(),
  proxyNodeArgs = [],
}: { tokens?: number; proxyEntry?: string; proxyNodeArgs?: string[] } = {}): Promise<BenchWorld> {
  const restoreEnv = isolateAwsEnv()
  const secrets = { [TEST_AWS.accessKeyId]: { secretAccessKey: TEST_AWS.secretAccessKey } }
  const answer = modelAnswer(tokens)
  const [bedrock, transcribe, storyblok] = await Promise.all([
    startBedrockSimulator({
      firstTokenDelayMs: MODEL.firstTokenDelayMs,
      tokenDelayMs: MODEL.tokenDelayMs,
      scriptFn: () => ({
        type: 'content',
        blocks: [{ text: answer }],
        usage: { inputTokens: 1000, outputTokens: tokens },
      }),
    }),
    startTranscribeSimulator({
      secrets,
      plan: { phrase: 'make the headline shorter', wordEveryMs: 300, minVoicedMs: 0 },
    }),
    // The conversation route may read the story: at 200 streams the Management API's own limit is not what P1 measures.
    startStoryblokSimulator({ rateLimitPerSecond: 1_000_000 }),
  ])
  const transcribeRelay = await startDelayRelay(transcribe.port, { downstreamDelayMs: TRANSCRIBE_FINAL_DELAY_MS })
  const proxyEnv = {
    PROXY_API_KEYS: TEST_PROXY_KEY,
    STORYBLOK_TOKEN: DEMO_PAT,
    STORYBLOK_API_URL: storyblok.url,
    AWS_REGION: TEST_AWS.region,
    AWS_ACCESS_KEY_ID: TEST_AWS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_AWS.secretAccessKey,
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: bedrock.url,
    AWS_ENDPOINT_URL_TRANSCRIBE_STREAMING: transcribeRelay.url,
    BEDROCK_MAX_RETRIES: '0',
    RATE_LIMIT_PER_MINUTE: '1000000',
    DAILY_TOKEN_BUDGET: '1000000000',
    TRANSCRIBE_MAX_SESSIONS_PER_KEY: '1000',
    SHUTDOWN_GRACE_SECONDS: '1',
    LOG_LEVEL: 'info',
    // The child runs with NODE_ENV=production, where a signing secret is required; the write-back probe signs with it.
    CHANGE_SIGNING_SECRET: 'bench-change-signing-secret-0123456789abcdef',
  }
  const proxy = await spawnProxy(proxyEnv, { entry: proxyEntry, nodeArgs: proxyNodeArgs })
  const credentials = { accessKeyId: TEST_AWS.accessKeyId, secretAccessKey: TEST_AWS.secretAccessKey }
  const common = { region: TEST_AWS.region, credentials, authSchemePreference: ['sigv4'], maxAttempts: 1 }
  const direct = {
    // The same transport as the proxy's client (buildDeps.ts), so the ratio compares the proxy, not two transports.
    bedrock: new BedrockRuntimeClient({ ...common, endpoint: bedrock.url, requestHandler: bedrockRequestHandler() }),
    transcribe: new TranscribeStreamingClient({ ...common, endpoint: transcribeRelay.url }),
  }
  return {
    bedrock,
    transcribe,
    transcribeRelay,
    storyblok,
    proxy,
    proxyKey: TEST_PROXY_KEY,
    direct,
    proxyEnv,
    proxyEntry,
    proxyNodeArgs,
    async close() {
      await proxy.stop()
      direct.bedrock.destroy()
      direct.transcribe.destroy()
      await transcribeRelay.close()
      await Promise.all([bedrock.close(), transcribe.close(), storyblok.close()])
      restoreEnv()
    },
  }
}
