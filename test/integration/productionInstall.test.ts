/**
 * Docker cannot run on these machines, so this proves what the image relies on: the files the Dockerfile copies,
 * installed with `npm ci --omit=dev` into an empty directory, start with the Dockerfile's CMD and with `npm start`,
 * answer /health as specified, pass the Dockerfile's HEALTHCHECK command and exit 0 on SIGTERM.
 *
 * Needs the npm cache (warm after `npm ci`) or the registry; ~30 s. Skip with SKIP_PRODUCTION_INSTALL_TEST=1.
 */
import { execFile } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBedrockSimulator, type BedrockSimulator } from '../../dev/simulators/bedrock.ts'
import { startStoryblokSimulator, type StoryblokSimulator } from '../../dev/simulators/storyblok.ts'
import { REPO_ROOT, simulatorEnv, spawnProxy } from '../support/spawnProxy.ts'

const run = promisify(execFile)
const skip = process.env['SKIP_PRODUCTION_INSTALL_TEST'] === '1'

type Dockerfile = { copies: string[]; cmd: string[]; healthcheck: string[]; env: Record<string, string> }

/** Reads the runtime stage (the last FROM) of the Dockerfile: its local COPY sources, ENV, CMD and HEALTHCHECK. */
function readDockerfile(): Dockerfile {
  const text = readFileSync(path.join(REPO_ROOT, 'Dockerfile'), 'utf8').replace(/\\\r?\n\s*/g, ' ')
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
  const stage = lines.slice(lines.map((l) => /^FROM\s/i.test(l)).lastIndexOf(true))
  const copies = stage
    .filter((l) => /^COPY\s/i.test(l) && !/--from=/i.test(l))
    .flatMap((l) => l.split(/\s+/).slice(1, -1))
  const json = (prefix: RegExp) => {
    const line = stage.find((l) => prefix.test(l))
    if (!line) throw new Error(`Dockerfile has no ${prefix}`)
    return JSON.parse(line.slice(line.indexOf('['))) as string[]
  }
  const env: Record<string, string> = {}
  for (const l of stage.filter((x) => /^ENV\s/i.test(x))) {
    for (const m of l.slice(4).matchAll(/([A-Z_][A-Z0-9_]*)=(\S+)/g)) env[m[1]!] = m[2]!
  }
  return { copies, cmd: json(/^CMD\s/i), healthcheck: json(/^HEALTHCHECK\s.*\sCMD\s/i), env }
}

let dir: string
let bedrock: BedrockSimulator
let storyblok: StoryblokSimulator
let docker: Dockerfile

beforeAll(async () => {
  docker = readDockerfile()
  ;[bedrock, storyblok] = await Promise.all([startBedrockSimulator(), startStoryblokSimulator()])
  dir = mkdtempSync(path.join(os.tmpdir(), 'voice-proxy-prod-'))
}, 30_000)
afterAll(async () => {
  await Promise.all([bedrock?.close(), storyblok?.close()])
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe.skipIf(skip)('production install (what the Docker image runs)', () => {
  it('the Dockerfile is multi-stage, non-root, slim, production-only, with a node-based HEALTHCHECK', () => {
    const text = readFileSync(path.join(REPO_ROOT, 'Dockerfile'), 'utf8')
    expect(text.match(/^FROM node:24-slim/gm)?.length).toBeGreaterThanOrEqual(2)
    expect(text).toMatch(/npm ci --omit=dev/)
    expect(text).toMatch(/^USER node$/m)
    expect(docker.healthcheck[0]).toBe('node')
    expect(docker.healthcheck.join(' ')).toContain('/health')
    expect(docker.copies).not.toContain('.')
    const ignore = readFileSync(path.join(REPO_ROOT, '.dockerignore'), 'utf8')
    expect(ignore.split('\n')[0]?.trim() === '*' || /^\*$/m.test(ignore)).toBe(true)
  })

  it('installs with npm ci --omit=dev and starts with the image CMD and npm start', async () => {
    for (const src of docker.copies) cpSync(path.join(REPO_ROOT, src), path.join(dir, src), { recursive: true })
    await run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], {
      cwd: dir,
      timeout: 85_000,
      env: { ...process.env, npm_config_loglevel: 'error' },
    })
    // Runtime dependencies only: tsx is there, the test tooling is not.
    expect(existsSync(path.join(dir, 'node_modules/tsx'))).toBe(true)
    expect(existsSync(path.join(dir, 'node_modules/vitest'))).toBe(false)
    expect(existsSync(path.join(dir, 'node_modules/fast-check'))).toBe(false)

    const version = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string })
      .version
    const env = simulatorEnv(
      { bedrock: bedrock.url, transcribe: 'http://127.0.0.1:9', storyblok: storyblok.url },
      { ...docker.env, HOST: '127.0.0.1', PORT: '0' },
    )

    // 1. The image's CMD.
    const image = await spawnProxy({ env, cwd: dir, command: docker.cmd })
    try {
      const res = await fetch(`${image.url}/health`)
      expect(res.status).toBe(200)
      expect(await res.json()).toEqual({ status: 'healthy', service: 'Storyblok Voice Assistant', version })
      // The HEALTHCHECK command passes against it, and fails when nothing listens.
      const port = new URL(image.url).port
      const [hcCmd, ...hcArgs] = docker.healthcheck
      await expect(
        run(hcCmd!, hcArgs, { cwd: dir, env: { ...env, PORT: port }, timeout: 10_000 }),
      ).resolves.toBeDefined()
      await expect(
        run(hcCmd!, hcArgs, { cwd: dir, env: { ...env, PORT: '9' }, timeout: 10_000 }),
      ).rejects.toMatchObject({ code: 1 })
    } finally {
      expect((await image.stop('SIGTERM')).code).toBe(0)
    }

    // 2. npm start (the documented start command).
    const npmStart = await spawnProxy({ env, cwd: dir, command: ['npm', 'start', '--silent'] })
    try {
      const res = await fetch(`${npmStart.url}/health`)
      expect(await res.json()).toEqual({ status: 'healthy', service: 'Storyblok Voice Assistant', version })
    } finally {
      const exit = await npmStart.stop('SIGTERM')
      expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true)
    }
  }, 150_000)
})
