/**
 * Runs the proxy as a real child process (proxy/main.ts, or any command) with an environment pointing at the
 * simulators, waits for its "listening" log line and collects everything it prints.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { DEMO_PAT } from '../../dev/simulators/storyblokSeed.ts'
import { TEST_AWS } from '../../dev/awsEnv.ts'
import { TEST_PROXY_KEY } from '../../dev/world.ts'

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

export type ProxyProcess = {
  url: string
  child: ChildProcess
  /** Everything written to stdout and stderr so far. */
  output(): string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** Sends `signal` (default SIGTERM) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

const missing = (name: string) => path.join(os.tmpdir(), 'voice-assistant-no-such-dir', name)

/** The CHANGE_SIGNING_SECRET of spawned proxies: tests sign change sets with it as the proxy would. */
export const TEST_SIGNING_SECRET = 'test-change-signing-secret-0123456789abcdef'

/** A clean environment (no machine AWS_* variables, no .env file) aimed at loopback simulators. */
export function simulatorEnv(
  urls: { bedrock: string; transcribe: string; storyblok: string },
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: process.env['HOME'] ?? os.tmpdir(),
    ...(process.env['npm_config_cache'] ? { npm_config_cache: process.env['npm_config_cache'] } : {}),
    ENV_FILE: missing('.env'),
    HOST: '127.0.0.1',
    PORT: '0',
    PROXY_API_KEYS: TEST_PROXY_KEY,
    STORYBLOK_TOKEN: DEMO_PAT,
    STORYBLOK_API_URL: urls.storyblok,
    AWS_REGION: TEST_AWS.region,
    AWS_ACCESS_KEY_ID: TEST_AWS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_AWS.secretAccessKey,
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: urls.bedrock,
    AWS_ENDPOINT_URL_TRANSCRIBE_STREAMING: urls.transcribe,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SHARED_CREDENTIALS_FILE: missing('credentials'),
    AWS_CONFIG_FILE: missing('config'),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    BEDROCK_MAX_RETRIES: '0',
    // Required under NODE_ENV=production (the image's environment).
    CHANGE_SIGNING_SECRET: TEST_SIGNING_SECRET,
    ...extra,
  }
}

/**
 * The default command is the container's (`node --import tsx proxy/main.ts`): signals reach the proxy itself. The tsx
 * CLI in between would SIGKILL it when it does not acknowledge a SIGTERM within 30 ms, e.g. while a module loads.
 */
export async function spawnProxy({
  env,
  cwd = REPO_ROOT,
  command = [process.execPath, '--import', 'tsx', 'proxy/main.ts'],
  startTimeoutMs = 30_000,
}: {
  env: Record<string, string>
  cwd?: string
  command?: string[]
  startTimeoutMs?: number
}): Promise<ProxyProcess> {
  const [cmd, ...args] = command
  if (!cmd) throw new Error('spawnProxy: empty command')
  // Its own process group: `npm start` runs tsx, which runs node; stopping must reach all of them.
  const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, signal)
    } catch {
      // already gone
    }
  }
  let out = ''
  child.stdout?.on('data', (d: Buffer) => (out += d.toString('utf8')))
  child.stderr?.on('data', (d: Buffer) => (out += d.toString('utf8')))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  )
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      signalGroup('SIGKILL')
      reject(new Error(`proxy did not start within ${startTimeoutMs} ms:\n${out}`))
    }, startTimeoutMs)
    const check = () => {
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(out)
      if (m?.[1]) {
        clearTimeout(timer)
        child.stdout?.off('data', check)
        resolve(m[1])
      }
    }
    child.stdout?.on('data', check)
    void exited.then(({ code }) => {
      clearTimeout(timer)
      reject(new Error(`proxy exited with ${code} before listening:\n${out}`))
    })
  })
  return {
    url,
    child,
    output: () => out,
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) signalGroup(signal)
      const result = await exited
      signalGroup('SIGKILL')
      return result
    },
  }
}
