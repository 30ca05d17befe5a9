import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime'
import { TranscribeStreamingClient } from '@aws-sdk/client-transcribe-streaming'
import { fromNodeProviderChain } from '@aws-sdk/credential-providers'
import { createBedrock } from './adapters/bedrock.ts'
import { createCredentials } from './adapters/credentials.ts'
import { createStoryblok } from './adapters/storyblok.ts'
import { createTranscribe } from './adapters/transcribe.ts'
import type { Clock, Deps, Log } from './deps.ts'
import type { Config } from './loadConfig.ts'

export type BuiltDeps = Deps & { destroy(): void }

/**
 * Wires the real SDK clients and adapters. AWS credentials come only from the SDK's default provider chain
 * (env, shared files, SSO, web identity, container and instance roles); endpoints from the SDK's own
 * AWS_ENDPOINT_URL_* variables, which config carries so tests and the playground can aim at simulators.
 */
export function buildDeps(config: Config, { log, clock = { now: Date.now } }: { log: Log; clock?: Clock }): BuiltDeps {
  const provider = fromNodeProviderChain()
  const common = {
    region: config.aws.region,
    credentials: provider,
    // SigV4 always: a stray AWS_BEARER_TOKEN_BEDROCK must not switch the proxy to bearer auth.
    authSchemePreference: ['sigv4'],
  }
  const bedrockClient = new BedrockRuntimeClient({
    ...common,
    ...(config.aws.bedrockEndpoint ? { endpoint: config.aws.bedrockEndpoint } : {}),
    // The adapter retries throttling itself, with backoff it can report to the editor.
    maxAttempts: 1,
  })
  const transcribeClient = new TranscribeStreamingClient({
    ...common,
    ...(config.aws.transcribeEndpoint ? { endpoint: config.aws.transcribeEndpoint } : {}),
    maxAttempts: 1,
    // The adapter maps and reports failures; the SDK's own console warnings would duplicate them unredacted.
    logger: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  })
  const token = config.storyblok.token
  return {
    config,
    log,
    clock,
    credentials: createCredentials({ provider, ...(config.aws.profile ? { profile: config.aws.profile } : {}) }),
    bedrock: createBedrock({
      client: bedrockClient,
      modelId: config.bedrock.modelId,
      region: config.aws.region,
      maxTokens: config.bedrock.maxTokens,
      firstTokenTimeoutMs: config.bedrock.firstTokenTimeoutMs,
      retry: { retries: config.bedrock.maxRetries },
    }),
    transcribe: createTranscribe({ client: transcribeClient, region: config.aws.region }),
    storyblok: createStoryblok({
      ...(token?.kind === 'personal' ? { personalAccessToken: token.value } : {}),
      ...(token?.kind === 'oauth' ? { oauthToken: token.value } : {}),
      ...(config.storyblok.apiUrl ? { baseUrl: config.storyblok.apiUrl } : {}),
      schemaTtlMs: config.storyblok.schemaTtlMs,
      clock,
    }),
    destroy() {
      bedrockClient.destroy()
      transcribeClient.destroy()
    },
  }
}
