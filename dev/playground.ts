/**
 * `npm run dev`: the offline playground. Starts the Bedrock, Transcribe and Management API simulators, the real
 * proxy on :8000 and the local editor emulator (:7070, plugin on :7071), and prints the URLs. Real AWS and/or a
 * real Storyblok space are used instead of the simulators when configured (environment or .env).
 */
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseEnv } from 'node:util'
import { simulatedModel } from './playgroundModel.ts'
import { addPluginField, startWorld } from './world.ts'
import { DEMO_EDITOR_PAT, DEMO_SPACE_ID } from './simulators/storyblok.ts'

const fileEnv = existsSync('.env') ? parseEnv(readFileSync('.env', 'utf8')) : {}
const env = { ...fileEnv, ...process.env } as Record<string, string | undefined>

const realAws = Boolean(
  env['AWS_ACCESS_KEY_ID'] ||
  env['AWS_PROFILE'] ||
  env['AWS_CONTAINER_CREDENTIALS_FULL_URI'] ||
  env['AWS_WEB_IDENTITY_TOKEN_FILE'],
)
const realStoryblok = Boolean(env['STORYBLOK_TOKEN'] || env['STORYBLOK_OAUTH_TOKEN'])
if (realAws)
  for (const [k, v] of Object.entries(fileEnv))
    if (k.startsWith('AWS_') && process.env[k] === undefined) process.env[k] = v

const proxyKey = env['PROXY_API_KEYS']?.split(',')[0]?.split('@')[0] || `playground-${randomBytes(12).toString('hex')}`
// Fixed so the URLs stay the same between runs; each can be moved when another process holds it.
const port = Number(env['PORT'] ?? 8000)
const editorPort = Number(env['EMULATOR_PORT'] ?? 7070)
const pluginPort = Number(env['PLUGIN_PORT'] ?? 7071)

// The plugin (and its recorder window, which the proxy serves) is built first, so the playground needs no npm run build.
const { buildEmulatorPlugin } = await import('./emulator/buildEmulatorPlugin.ts')
const pluginDir = await buildEmulatorPlugin()

const world = await startWorld({
  port,
  host: '127.0.0.1',
  keepAwsEnv: realAws,
  echoLogs: env['PLAYGROUND_QUIET'] !== 'true',
  version: (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version,
  bedrock: { scriptFn: simulatedModel, firstTokenDelayMs: 300, tokenDelayMs: 25 },
  env: {
    PROXY_API_KEYS: proxyKey,
    ALLOWED_ORIGINS: [
      `http://127.0.0.1:${pluginPort}`,
      `http://localhost:${pluginPort}`,
      `http://127.0.0.1:${editorPort}`,
      `http://localhost:${editorPort}`,
    ].join(','),
    RECORDER_PAGE: join(pluginDir, 'recorder.html'),
    DEBUG: 'true',
    LOG_LEVEL: env['LOG_LEVEL'] ?? 'info',
    STYLE_GUIDE_STORY: env['STYLE_GUIDE_STORY'] ?? 'settings/brand-voice',
    ...(realAws
      ? {
          AWS_ENDPOINT_URL_BEDROCK_RUNTIME: undefined,
          AWS_ENDPOINT_URL_TRANSCRIBE_STREAMING: undefined,
          AWS_REGION: env['AWS_REGION'] ?? 'us-east-1',
          PLAYGROUND_SIMULATED: 'false',
          ...(env['BEDROCK_MODEL_ID'] ? { BEDROCK_MODEL_ID: env['BEDROCK_MODEL_ID'] } : {}),
        }
      : {}),
    ...(realStoryblok
      ? {
          STORYBLOK_TOKEN: env['STORYBLOK_TOKEN'],
          STORYBLOK_OAUTH_TOKEN: env['STORYBLOK_OAUTH_TOKEN'],
          STORYBLOK_API_URL: env['STORYBLOK_API_URL'],
        }
      : {}),
  },
})

if (!realStoryblok) addPluginField(world, 'voice_assistant')

const { startEmulator } = await import('./emulator/startEmulator.ts')
const emulator = await startEmulator({
  port: editorPort,
  pluginPort,
  pluginDir,
  proxyUrl: world.proxyUrl,
  proxyKey: world.proxyKey,
  fieldName: 'voice_assistant',
  options: { historyField: realStoryblok ? (env['PLAYGROUND_HISTORY_FIELD'] ?? '') : 'voice_assistant' },
  storyblok: realStoryblok
    ? {
        url: env['STORYBLOK_API_URL'] ?? 'https://mapi.storyblok.com',
        token: (env['STORYBLOK_TOKEN'] ?? env['STORYBLOK_OAUTH_TOKEN'])!,
        spaceId: Number(env['STORYBLOK_SPACE_ID']),
      }
    : { url: world.storyblok.url, token: DEMO_EDITOR_PAT, spaceId: DEMO_SPACE_ID },
})

console.log(`
  Storyblok Voice Assistant — playground
  ─────────────────────────────────────────
  Editor emulator   ${emulator.editorUrl}     ← open this in Chromium/Chrome
  Plugin (iframe)   ${emulator.pluginUrl}
  Proxy             ${world.proxyUrl}   (health: ${world.proxyUrl}/health)
  Proxy key         ${world.proxyKey}
  Claude            ${realAws ? `real Bedrock (${world.config.bedrock.modelId}, ${world.config.aws.region})` : `simulated at ${world.bedrock.url} — answers are labelled simulated`}
  Transcribe        ${realAws ? 'real Amazon Transcribe' : `simulated at ${world.transcribe.url}`}
  Storyblok         ${realStoryblok ? 'real Management API' : `simulated at ${world.storyblok.url} (demo space)`}

  Press Ctrl+C to stop.
`)

const stop = async () => {
  await emulator.close()
  await world.close()
  process.exit(0)
}
process.on('SIGINT', () => void stop())
process.on('SIGTERM', () => void stop())
