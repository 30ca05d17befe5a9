/**
 * The only module that touches process: reads .env and the environment, builds the real dependencies,
 * serves the app and shuts down gracefully on SIGTERM/SIGINT.
 */
import { existsSync, readFileSync } from 'node:fs'
import { parseEnv } from 'node:util'
import { serve } from '@hono/node-server'
import { createNodeWebSocket } from '@hono/node-ws'
import { buildDeps } from './buildDeps.ts'
import { createApp } from './createApp.ts'
import { createLifecycle } from './lifecycle.ts'
import { ConfigError, describeConfig, loadConfig, type Config } from './loadConfig.ts'
import { createLog } from './createLog.ts'
import { limitServer } from './http/limitServer.ts'
import { limitWebSockets } from './transcript/limitWebSockets.ts'
import type { Server } from 'node:http'

// The compiled build (scripts/buildProxy.ts) inlines the version: dist/ has no package.json beside it.
declare const __PROXY_VERSION__: string | undefined
const pkg = {
  version:
    typeof __PROXY_VERSION__ === 'string'
      ? __PROXY_VERSION__
      : (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version,
}

// Like the Python version: a .env file next to the process fills in what the environment does not set.
const envFile = process.env['ENV_FILE'] ?? '.env'
if (existsSync(envFile)) {
  for (const [k, v] of Object.entries(parseEnv(readFileSync(envFile, 'utf8'))))
    if (process.env[k] === undefined) process.env[k] = v
}
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true'

let config: Config
try {
  config = loadConfig(process.env, { version: pkg.version })
} catch (err) {
  if (!(err instanceof ConfigError)) throw err
  process.stderr.write(`Storyblok Voice Assistant cannot start. Fix these settings (environment or .env):\n`)
  for (const issue of err.issues) process.stderr.write(`  - ${issue}\n`)
  process.exit(1)
}

const log = createLog({
  level: config.logLevel,
  secrets: [
    config.storyblok.token?.value ?? '',
    config.auth.oauth?.clientSecret ?? '',
    config.auth.sessionSecret ?? '',
    ...config.access.apiKeys.map((k) => k.key),
    config.sharedState.redisUrl ?? '',
    redisPassword(config.sharedState.redisUrl),
    ...config.authority.signingSecrets,
    // AWS credentials stay out of Config (the SDK reads them), but the logger must still know their values.
    ...['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_BEARER_TOKEN_BEDROCK'].map(
      (name) => process.env[name] ?? '',
    ),
  ],
})
const deps = buildDeps(config, { log })

function redisPassword(url: string | undefined): string {
  try {
    return url ? decodeURIComponent(new URL(url).password) : ''
  } catch {
    return ''
  }
}
const lifecycle = createLifecycle()
// node-ws reads `init.app` only when an upgrade arrives, so the app can be built with its upgrade helper first.
const wsInit = {} as Parameters<typeof createNodeWebSocket>[0]
const ws = createNodeWebSocket(wsInit)
limitWebSockets(ws.wss, config)
const app = createApp(deps, { lifecycle, upgradeWebSocket: ws.upgradeWebSocket })
wsInit.app = app

const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
  log.info('Starting Storyblok Voice Assistant...', describeConfig(config))
  // /health answers while the SDK clients load (issue 8: cold start); "listening" means every route is ready. Under
  // the tsx CLI (`npm start`) a SIGTERM during such a load (one synchronous block of 60+ ms) is not acknowledged
  // within tsx's 30 ms and ends in SIGKILL, as it would during the imports before listen.
  void deps
    .warm()
    .catch((err: unknown) =>
      log.warn('preloading the AWS and Storyblok clients failed; the first request retries', { error: String(err) }),
    )
    .then(() => ready(info))
})
ws.injectWebSocket(server)
limitServer(server as Server, config)

function ready(info: { address: string; port: number }) {
  log.info(`listening on http://${info.address}:${info.port}`, { port: info.port })
  if (config.authority.signingSecretGenerated) {
    log.warn(
      'CHANGE_SIGNING_SECRET is not set: proposals are signed with a secret generated for this process, so they cannot be saved after a restart or on another instance',
    )
  }
  if (config.aws.bearerTokenIgnored) {
    log.warn(
      'AWS_BEARER_TOKEN_BEDROCK is set and ignored: the proxy signs every call with SigV4 from the default credential chain',
    )
  }
  void deps.credentials
    .check()
    .then((c) =>
      c.ok
        ? log.info('AWS credentials resolved', { source: c.source })
        : log.warn(
            'No AWS credentials resolved: Bedrock and Transcribe calls will fail until credentials are configured',
            { reason: c.error, ...(c.detail ? { detail: c.detail } : {}) },
          ),
    )
}

let stopping = false
async function shutdown(signal: string) {
  if (stopping) return
  stopping = true
  log.info('shutting down', { signal, inFlight: lifecycle.inFlight() })
  const closed = new Promise<void>((resolve) => server.close(() => resolve()))
  const result = await lifecycle.shutdown(config.shutdownGraceMs)
  // Let the last bytes (a stream's final error/done events) reach the clients before exiting (issue 7).
  await Promise.race([closed, new Promise((r) => setTimeout(r, 2000))])
  log.info('stopped', result)
  deps.destroy()
  process.exit(0)
}
process.on('SIGTERM', () => void shutdown('SIGTERM'))
process.on('SIGINT', () => void shutdown('SIGINT'))
