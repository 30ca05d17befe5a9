/**
 * Docker cannot run on these machines, so this proves what the image relies on: the runtime stage's files (the
 * compiled dist/ that `npm run build` makes, nothing else: no node_modules, no TypeScript, no sources), copied into an
 * empty directory, start with the Dockerfile's CMD on plain node, answer /health as specified, pass the Dockerfile's
 * HEALTHCHECK command and exit 0 on SIGTERM; and `npm start` runs the same compiled file.
 *
 * Needs the proxy build (scripts/test.ts runs `npm run build:proxy` first). Skip with SKIP_PRODUCTION_INSTALL_TEST=1.
 */
import { execFile } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBedrockSimulator, type BedrockSimulator } from '../../dev/simulators/bedrock.ts'
import { startStoryblokSimulator, type StoryblokSimulator } from '../../dev/simulators/storyblok.ts'
import { REPO_ROOT, simulatorEnv, spawnProxy } from '../support/spawnProxy.ts'

const run = promisify(execFile)
const skip = process.env['SKIP_PRODUCTION_INSTALL_TEST'] === '1'

type Dockerfile = {
  /** Local COPY sources of the runtime stage (it should have none). */
  copies: string[]
  /** COPY --from=build sources and destinations of the runtime stage, relative to the build stage's /app. */
  fromBuild: Array<{ src: string; dest: string }>
  cmd: string[]
  healthcheck: string[]
  env: Record<string, string>
}

/** Reads the runtime stage (the last FROM) of the Dockerfile: its COPY lines, ENV, CMD and HEALTHCHECK. */
function readDockerfile(): Dockerfile {
  const text = readFileSync(path.join(REPO_ROOT, 'Dockerfile'), 'utf8').replace(/\\\r?\n\s*/g, ' ')
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
  const stage = lines.slice(lines.map((l) => /^FROM\s/i.test(l)).lastIndexOf(true))
  const copyLines = stage.filter((l) => /^COPY\s/i.test(l))
  const copies = copyLines.filter((l) => !/--from=/i.test(l)).flatMap((l) => l.split(/\s+/).slice(1, -1))
  const fromBuild = copyLines
    .filter((l) => /--from=build\s/i.test(l))
    .map((l) => {
      const [src, dest] = l.split(/\s+/).slice(-2) as [string, string]
      return { src: path.posix.relative('/app', src), dest: path.posix.normalize(dest) }
    })
  const json = (prefix: RegExp) => {
    const line = stage.find((l) => prefix.test(l))
    if (!line) throw new Error(`Dockerfile has no ${prefix}`)
    return JSON.parse(line.slice(line.indexOf('['))) as string[]
  }
  const env: Record<string, string> = {}
  for (const l of stage.filter((x) => /^ENV\s/i.test(x))) {
    for (const m of l.slice(4).matchAll(/([A-Z_][A-Z0-9_]*)=(\S+)/g)) env[m[1]!] = m[2]!
  }
  return { copies, fromBuild, cmd: json(/^CMD\s/i), healthcheck: json(/^HEALTHCHECK\s.*\sCMD\s/i), env }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(path.join(dir, f)).isFile())
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

describe.skipIf(skip)('production image (what the Docker runtime stage holds and runs)', () => {
  it('the Dockerfile builds in one stage and runs compiled JS on node:24-slim as a non-root user', () => {
    const text = readFileSync(path.join(REPO_ROOT, 'Dockerfile'), 'utf8')
    expect(text.match(/^FROM node:24-slim/gm)?.length).toBeGreaterThanOrEqual(2)
    expect(text).toMatch(/^RUN npm run build$/m)
    expect(text).toMatch(/^USER node$/m)
    expect(docker.copies).toEqual([])
    expect(docker.fromBuild).toEqual([{ src: 'dist', dest: 'dist' }])
    expect(docker.cmd[0]).toBe('node')
    expect(docker.cmd.at(-1)).toBe('dist/proxy/main.js')
    expect(docker.cmd.join(' ')).not.toMatch(/tsx|--import|--loader/)
    expect(docker.healthcheck[0]).toBe('node')
    expect(docker.healthcheck.join(' ')).toContain('/health')
    const ignore = readFileSync(path.join(REPO_ROOT, '.dockerignore'), 'utf8')
    expect(ignore.split('\n').some((l) => l.trim() === '*')).toBe(true)
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>
      dependencies: Record<string, string>
    }
    expect(pkg.scripts['start']).toBe('node dist/proxy/main.js')
    expect(pkg.dependencies['tsx']).toBeUndefined()
  })

  it('holds only compiled JavaScript, starts from an empty directory with the image CMD, and npm start runs it', async () => {
    for (const { src, dest } of docker.fromBuild) {
      expect(existsSync(path.join(REPO_ROOT, src)), `${src} is built (npm run build)`).toBe(true)
      cpSync(path.join(REPO_ROOT, src), path.join(dir, dest), { recursive: true })
    }
    const files = filesUnder(dir)
    expect(files).toContain('dist/proxy/main.js')
    expect(files.filter((f) => /\.(ts|vue|mts|cts)$/.test(f))).toEqual([])
    expect(existsSync(path.join(dir, 'node_modules'))).toBe(false)
    const bytes = files.reduce((n, f) => n + statSync(path.join(dir, f)).size, 0)
    // The image's own layer: the bundle with its source maps. A budget, not a timing: it fails when a heavy
    // dependency (the 70 MB Tiptap + happy-dom Markdown path, say) slips back into what runs.
    expect(bytes).toBeLessThan(12 * 1024 * 1024)

    const version = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string })
      .version
    const env = simulatorEnv(
      { bedrock: bedrock.url, transcribe: 'http://127.0.0.1:9', storyblok: storyblok.url },
      { ...docker.env, HOST: '127.0.0.1', PORT: '0' },
    )

    // 1. The image's CMD, in a directory that has nothing but dist/.
    const image = await spawnProxy({ env, cwd: dir, command: docker.cmd })
    try {
      const res = await fetch(`${image.url}/health`)
      expect(res.status).toBe(200)
      expect(await res.json()).toEqual({ status: 'healthy', service: 'Storyblok Voice Assistant', version })
      // Every route is served by the bundle alone: a conversation reaches the simulators through the SDK chunks.
      const ready = await fetch(`${image.url}/ready`)
      expect(ready.status).toBe(200)
      // The companion recorder window comes from dist/ too (RECORDER_PAGE in the image's ENV).
      expect(files).toContain('dist/recorder.html')
      const recorder = await fetch(
        `${image.url}/recorder?origin=${encodeURIComponent('https://plugins.storyblok.com')}&sid=abcdefgh12345678`,
      )
      expect(recorder.status).toBe(200)
      expect(await recorder.text()).toMatch(/<title>[^<]*[Rr]ecorder/)
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

    // 2. npm start (the documented start command) in the checkout: the same compiled file, built first.
    const npmStart = await spawnProxy({ env, cwd: REPO_ROOT, command: ['npm', 'start', '--silent'] })
    try {
      const res = await fetch(`${npmStart.url}/health`)
      expect(await res.json()).toEqual({ status: 'healthy', service: 'Storyblok Voice Assistant', version })
      const ps = await run('ps', ['-o', 'args=', '--ppid', String(npmStart.child.pid)]).catch(() => ({ stdout: '' }))
      expect(ps.stdout).not.toMatch(/tsx/)
    } finally {
      const exit = await npmStart.stop('SIGTERM')
      expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true)
    }
  }, 150_000)
})
