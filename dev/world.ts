/**
 * The offline world: Bedrock, Transcribe and Management API simulators on loopback plus the real proxy
 * (createApp + real adapters + real SDK clients) served over HTTP with WebSockets. Used by integration tests,
 * browser tests, the playground (`npm run dev`) and the benchmark.
 */
import type { AddressInfo } from 'node:net'
import { serve, type ServerType } from '@hono/node-server'
import { createNodeWebSocket } from '@hono/node-ws'
import { buildDeps, type BuiltDeps } from '../proxy/buildDeps.ts'
import { createApp, type App } from '../proxy/createApp.ts'
import { createLifecycle, type Lifecycle } from '../proxy/lifecycle.ts'
import { createLog } from '../proxy/createLog.ts'
import { limitWebSockets } from '../proxy/transcript/limitWebSockets.ts'
import { loadConfig, type Config } from '../proxy/loadConfig.ts'
import { startBedrockSimulator, type BedrockSimulator, type BedrockSimulatorOptions } from './simulators/bedrock.ts'
import {
  startStoryblokSimulator,
  type StoryblokSimulator,
  type StoryblokSimulatorOptions,
  DEMO_PAT,
  DEMO_SPACE_ID,
} from './simulators/storyblok.ts'
import { startTranscribeSimulator, type TranscribeSimulator } from './simulators/transcribe.ts'
import {
  demoOAuthUsers,
  startStoryblokOAuthSimulator,
  type OAuthUser,
  type StoryblokOAuthSimulator,
} from './simulators/storyblokOAuth.ts'
import { createServer } from 'node:net'
import { isolateAwsEnv, TEST_AWS } from './awsEnv.ts'

export const TEST_PROXY_KEY = 'test-proxy-key-0123456789abcdef'
/** The simulated Storyblok app's OAuth client (AUTH_MODE oauth/both worlds). */
export const TEST_OAUTH_CLIENT = {
  clientId: 'sim-voice-assistant-app',
  clientSecret: 'sim-oauth-client-secret-0123456789',
}
export const TEST_SESSION_SECRET = 'test-session-secret-0123456789abcdef0123456789'

export type ServedProxy = { url: string; port: number; close(): Promise<void> }

export type World = {
  proxyUrl: string
  proxyKey: string
  config: Config
  app: App
  deps: BuiltDeps
  lifecycle: Lifecycle
  bedrock: BedrockSimulator
  transcribe: TranscribeSimulator
  storyblok: StoryblokSimulator
  /** Storyblok's OAuth server, when the world was started with `oauth`. */
  oauth?: StoryblokOAuthSimulator
  /** Every JSON log line the proxy wrote. */
  logs: string[]
  close(): Promise<void>
}

export type WorldOptions = {
  /** Extra proxy environment (e.g. DEBUG, limits); merged over the defaults. `undefined` removes a default. */
  env?: Record<string, string | undefined>
  bedrock?: BedrockSimulatorOptions
  storyblok?: StoryblokSimulatorOptions
  /**
   * Sign in with Storyblok: starts the OAuth simulator and sets AUTH_MODE (default oauth, so without the shared
   * token), the app's client id/secret, the redirect URI on the proxy and SESSION_SECRET.
   */
  oauth?: { mode?: 'oauth' | 'both'; users?: OAuthUser[]; now?: () => number }
  /** Fixed proxy port (the playground); 0 picks a free one. */
  port?: number
  host?: string
  /** Leave the AWS environment alone (the playground with real AWS). */
  keepAwsEnv?: boolean
  /** Also echo proxy logs to stdout. */
  echoLogs?: boolean
  version?: string
}

/** Serves an app with WebSocket support on loopback; closes sockets on close(). */
export async function serveApp(
  build: (upgradeWebSocket: ReturnType<typeof createNodeWebSocket>['upgradeWebSocket']) => App,
  { port = 0, host = '127.0.0.1', config }: { port?: number; host?: string; config?: Pick<Config, 'transcribe'> } = {},
): Promise<ServedProxy> {
  const init = {} as Parameters<typeof createNodeWebSocket>[0]
  const ws = createNodeWebSocket(init)
  // As main.ts does: frames over the audio frame limit are refused before they are buffered.
  if (config) limitWebSockets(ws.wss, config)
  const app = build(ws.upgradeWebSocket)
  init.app = app
  let server!: ServerType
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, port, hostname: host }, () => resolve())
  })
  ws.injectWebSocket(server)
  const actual = (server.address() as AddressInfo).port
  return {
    url: `http://${host}:${actual}`,
    port: actual,
    close: () =>
      new Promise<void>((resolve) => {
        ;(server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.()
        server.close(() => resolve())
      }),
  }
}

export async function startWorld(opts: WorldOptions = {}): Promise<World> {
  const restoreEnv = opts.keepAwsEnv ? () => {} : isolateAwsEnv()
  // Prompt caching, proposals and the style guide make requests larger; keep the per-test defaults realistic.
  if (!opts.keepAwsEnv) {
    process.env['AWS_ACCESS_KEY_ID'] = TEST_AWS.accessKeyId
    process.env['AWS_SECRET_ACCESS_KEY'] = TEST_AWS.secretAccessKey
    process.env['AWS_REGION'] = TEST_AWS.region
  }
  const secrets = { [TEST_AWS.accessKeyId]: { secretAccessKey: TEST_AWS.secretAccessKey } }
  const [bedrock, transcribe, storyblok] = await Promise.all([
    startBedrockSimulator({ ...opts.bedrock }),
    startTranscribeSimulator({ secrets }),
    startStoryblokSimulator({ ...opts.storyblok }),
  ])
  // The redirect URI names the proxy's own port, so the port is chosen before the proxy is configured.
  const port = opts.port ?? (opts.oauth ? await freePort() : 0)
  const host = opts.host ?? '127.0.0.1'
  const redirectUri = `http://${host}:${port}/auth/callback`
  const oauth = opts.oauth
    ? await startStoryblokOAuthSimulator({
        storyblok,
        clients: [{ ...TEST_OAUTH_CLIENT, redirectUris: [redirectUri] }],
        users: opts.oauth.users ?? demoOAuthUsers(DEMO_SPACE_ID),
        ...(opts.oauth.now ? { now: opts.oauth.now } : {}),
      })
    : undefined
  const env: Record<string, string | undefined> = {
    PROXY_API_KEYS: TEST_PROXY_KEY,
    STORYBLOK_TOKEN: DEMO_PAT,
    STORYBLOK_API_URL: storyblok.url,
    AWS_REGION: TEST_AWS.region,
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: bedrock.url,
    AWS_ENDPOINT_URL_TRANSCRIBE_STREAMING: transcribe.url,
    BEDROCK_MAX_RETRIES: '1',
    // Tests rewrite stories between cases; each turn reads afresh unless a test turns sharing on.
    STORY_READ_CACHE_MS: '0',
    PLAYGROUND_SIMULATED: 'true',
    HOST: '127.0.0.1',
    ...(oauth
      ? {
          AUTH_MODE: opts.oauth?.mode ?? 'oauth',
          ...(opts.oauth?.mode === 'both' ? {} : { STORYBLOK_TOKEN: undefined }),
          STORYBLOK_OAUTH_CLIENT_ID: TEST_OAUTH_CLIENT.clientId,
          STORYBLOK_OAUTH_CLIENT_SECRET: TEST_OAUTH_CLIENT.clientSecret,
          STORYBLOK_OAUTH_REDIRECT_URI: redirectUri,
          STORYBLOK_OAUTH_URL: oauth.oauthUrl,
          SESSION_SECRET: TEST_SESSION_SECRET,
        }
      : {}),
    ...opts.env,
  }
  const config = loadConfig(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')), {
    version: opts.version ?? '1.0.0-test',
  })
  const logs: string[] = []
  const log = createLog({
    level: config.logLevel,
    secrets: [
      DEMO_PAT,
      TEST_AWS.secretAccessKey,
      config.storyblok.token?.value ?? '',
      config.auth.oauth?.clientSecret ?? '',
      config.auth.sessionSecret ?? '',
      ...config.access.apiKeys.map((k) => k.key),
      ...config.authority.signingSecrets,
    ],
    write: (line) => {
      logs.push(line)
      if (opts.echoLogs) process.stdout.write(line + '\n')
    },
  })
  const deps = buildDeps(config, { log })
  const lifecycle = createLifecycle()
  let app!: App
  const served = await serveApp((upgradeWebSocket) => (app = createApp(deps, { lifecycle, upgradeWebSocket })), {
    port,
    host,
    config,
  })
  return {
    proxyUrl: served.url,
    proxyKey: config.access.apiKeys[0]!.key,
    config,
    app,
    deps,
    lifecycle,
    bedrock,
    transcribe,
    storyblok,
    ...(oauth ? { oauth } : {}),
    logs,
    async close() {
      await served.close()
      deps.destroy()
      await Promise.all([bedrock.close(), transcribe.close(), storyblok.close(), oauth?.close()])
      restoreEnv()
    },
  }
}

/** A port free right now on loopback (closed again at once). */
async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (typeof address !== 'object' || address === null) throw new Error('no free port')
  return address.port
}

/**
 * The demo space as an admin sets it up: every root component gets the plugin's own (custom) field, which the proxy
 * accepts as the place for the AI history.
 */
export function addPluginField(world: Pick<World, 'storyblok'>, field = 'voice_assistant'): void {
  const space = world.storyblok.spaces.get(DEMO_SPACE_ID)
  if (!space) throw new Error('demo space missing')
  for (const c of space.components) {
    if (c.is_root) c.schema[field] = { type: 'custom', field_type: 'storyblok-voice-assistant', options: [] }
  }
}
