import type { Clock, Deps, Log } from './deps.ts'
import { lazyBedrock, lazyCredentials, lazyStoryblok, lazyTranscribe, once } from './lazyPorts.ts'
import type { Config } from './loadConfig.ts'
import { lazyRedisState } from './state/lazyRedisState.ts'
import { createStoryblokPacer } from './state/storyblokPacer.ts'
import { createStoryblokOAuth } from './adapters/storyblokOAuth.ts'
import { loadMarkdownToRichtext } from './adapters/markdownToRichtext.ts'

export type BuiltDeps = Deps & {
  /** Loads every adapter and SDK now, so the first editor request does not wait for them. */
  warm(): Promise<void>
  destroy(): void
}

/**
 * Wires the real SDK clients and adapters. AWS credentials come only from the SDK's default provider chain
 * (env, shared files, SSO, web identity, container and instance roles); endpoints from the SDK's own
 * AWS_ENDPOINT_URL_* variables, which config carries so tests and the playground can aim at simulators.
 * Adapters and SDKs are imported on first use (see lazyPorts.ts); all clients share one credential provider.
 * main.ts warms them right after listen, so /health answers while they load.
 */
export function buildDeps(config: Config, { log, clock = { now: Date.now } }: { log: Log; clock?: Clock }): BuiltDeps {
  const clients: Array<{ destroy(): void }> = []
  let destroyed = false
  const own = <C extends { destroy(): void }>(client: C): C => {
    // A client built after destroy() (a load still in flight at shutdown) must not keep sockets open.
    if (destroyed) client.destroy()
    else clients.push(client)
    return client
  }

  const provider = once(async () => (await import('@aws-sdk/credential-providers')).fromNodeProviderChain())
  const common = async () => ({
    region: config.aws.region,
    credentials: await provider(),
    // SigV4 always: a stray AWS_BEARER_TOKEN_BEDROCK must not switch the proxy to bearer auth.
    authSchemePreference: ['sigv4'],
  })

  const loadCredentials = once(async () => {
    const [{ createCredentials }, credentials] = await Promise.all([import('./adapters/credentials.ts'), provider()])
    return createCredentials({ provider: credentials, ...(config.aws.profile ? { profile: config.aws.profile } : {}) })
  })

  const loadBedrock = once(async () => {
    const [{ BedrockRuntimeClient }, { createBedrock }, { bedrockRequestHandler }, { bedrockEventStreamSerde }, base] =
      await Promise.all([
        import('@aws-sdk/client-bedrock-runtime'),
        import('./adapters/bedrock.ts'),
        import('./adapters/bedrockRequestHandler.ts'),
        import('./adapters/bedrockEventStream.ts'),
        common(),
      ])
    const client = own(
      new BedrockRuntimeClient({
        ...base,
        ...(config.aws.bedrockEndpoint ? { endpoint: config.aws.bedrockEndpoint } : {}),
        requestHandler: bedrockRequestHandler(),
        eventStreamSerdeProvider: bedrockEventStreamSerde,
        // The adapter retries throttling itself, with backoff it can report to the editor.
        maxAttempts: 1,
      }),
    )
    return createBedrock({
      client,
      modelId: config.bedrock.modelId,
      ...(config.bedrock.modelFamily ? { modelFamily: config.bedrock.modelFamily } : {}),
      region: config.aws.region,
      maxTokens: config.bedrock.maxTokens,
      firstTokenTimeoutMs: config.bedrock.firstTokenTimeoutMs,
      retry: { retries: config.bedrock.maxRetries },
    })
  })

  const loadTranscribe = once(async () => {
    const [{ TranscribeStreamingClient }, { createTranscribe }, base] = await Promise.all([
      import('@aws-sdk/client-transcribe-streaming'),
      import('./adapters/transcribe.ts'),
      common(),
    ])
    const client = own(
      new TranscribeStreamingClient({
        ...base,
        ...(config.aws.transcribeEndpoint ? { endpoint: config.aws.transcribeEndpoint } : {}),
        maxAttempts: 1,
        // The adapter maps and reports failures; the SDK's own console warnings would duplicate them unredacted.
        logger: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
      }),
    )
    return createTranscribe({ client, region: config.aws.region })
  })

  // REDIS_URL: every instance shares tickets, limits, budgets, story locks and the Storyblok pacing (issue 16).
  // Without it createApp keeps that state in process, on deps.clock (one state per app, as before).
  const redis = config.sharedState.redisUrl
    ? lazyRedisState({ url: config.sharedState.redisUrl, log, commandTimeoutMs: config.sharedState.commandTimeoutMs })
    : undefined
  const pace = redis
    ? createStoryblokPacer({ state: redis, perSecond: config.storyblok.requestsPerSecond, log })
    : undefined

  const token = config.storyblok.token
  const loadStoryblok = once(async () => {
    const { createStoryblok } = await import('./adapters/storyblok.ts')
    return createStoryblok({
      ...(token?.kind === 'personal' ? { personalAccessToken: token.value } : {}),
      ...(token?.kind === 'oauth' ? { oauthToken: token.value } : {}),
      ...(config.storyblok.apiUrl ? { baseUrl: config.storyblok.apiUrl } : {}),
      schemaTtlMs: config.storyblok.schemaTtlMs,
      clock,
      // One instance: the client's own throttle per space. Several (REDIS_URL): one shared pacer per space.
      ...(pace ? { pace } : { rateLimit: config.storyblok.requestsPerSecond }),
    })
  })

  const oauth = config.auth.oauth
  const editorPorts =
    config.auth.mode === 'shared-token' || !oauth
      ? {}
      : {
          storyblokOAuth: createStoryblokOAuth({ ...oauth, clock }),
          storyblokAs: (accessToken: string) =>
            lazyStoryblok(async () => {
              const { createStoryblok } = await import('./adapters/storyblok.ts')
              return createStoryblok({
                oauthToken: accessToken,
                ...(config.storyblok.apiUrl ? { baseUrl: config.storyblok.apiUrl } : {}),
                schemaTtlMs: config.storyblok.schemaTtlMs,
                clock,
                log,
              })
            }),
        }

  return {
    config,
    log,
    clock,
    ...editorPorts,
    credentials: lazyCredentials(loadCredentials),
    bedrock: lazyBedrock(
      { modelId: config.bedrock.modelId, modelFamily: config.bedrock.modelFamily, region: config.aws.region },
      loadBedrock,
    ),
    transcribe: lazyTranscribe(loadTranscribe),
    storyblok: lazyStoryblok(loadStoryblok),
    ...(redis ? { sharedState: redis } : {}),
    async warm() {
      const connected = redis?.ready(3_000).then((ok) => {
        if (!ok) log.warn('shared state not reachable yet; retrying in the background', { kind: 'redis' })
      })
      await Promise.all([
        loadCredentials(),
        loadBedrock(),
        loadTranscribe(),
        loadStoryblok(),
        loadMarkdownToRichtext(),
        connected,
      ])
    },
    destroy() {
      destroyed = true
      for (const client of clients.splice(0)) client.destroy()
      void redis?.close()
    },
  }
}
