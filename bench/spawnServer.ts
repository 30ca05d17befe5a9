import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import http from 'node:http'
import net from 'node:net'
import { fileURLToPath } from 'node:url'
import { isolateAwsEnv } from '../dev/awsEnv.ts'

export const REPO = fileURLToPath(new URL('..', import.meta.url))

/** What `npm run build:proxy` emits and `npm start` runs. */
export const COMPILED_PROXY = 'dist/proxy/main.js'

/**
 * The one place that decides which proxy the bench starts: BENCH_PROXY when set (a patched copy, a `.ts` through tsx
 * or a built `.js` on plain node), else the compiled build when it exists, else the sources through tsx.
 */
export function proxyEntry(env: Record<string, string | undefined> = process.env): string {
  const chosen = env['BENCH_PROXY']
  if (chosen) return chosen
  return existsSync(path.join(REPO, COMPILED_PROXY)) ? COMPILED_PROXY : 'proxy/main.ts'
}

export type Spawned = {
  pid: number
  child: ChildProcess
  url: string
  /** Resident set and its high-water mark, in bytes, from /proc/<pid>/status (undefined off Linux). */
  memory(): { rss: number; hwm: number } | undefined
  output(): string
  stop(): Promise<void>
}

/**
 * Starts `tsx <file>` as its own process, the way `npm start` does, but as `node --import tsx` so the pid is
 * the server itself (the tsx CLI would put a wrapper process in between and hide the server's memory).
 * A built `.js`/`.mjs` file runs on plain node, to compare a production build.
 */
export function spawnTsx(
  file: string,
  env: Record<string, string>,
  nodeArgs: string[] = [],
): { child: ChildProcess; output(): string } {
  const loader = /\.m?js$/.test(file) ? [] : ['--import', 'tsx']
  const child = spawn(process.execPath, [...nodeArgs, ...loader, file], {
    cwd: REPO,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  const keep = (b: Buffer) => {
    out += b.toString('utf8')
    if (out.length > 200_000) out = out.slice(-100_000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  return { child, output: () => out }
}

/** A clean environment: nothing of this machine's AWS setup, nothing of the caller's proxy settings. */
export function cleanEnv(extra: Record<string, string>): Record<string, string> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'] ?? '',
    HOME: process.env['HOME'] ?? '',
    NODE_ENV: 'production',
  }
  isolateAwsEnv(env)
  return { ...(env as Record<string, string>), ...extra }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo
      s.close(() => resolve(port))
    })
  })
}

/** Polls GET <url> every `everyMs` until it answers 200; resolves with the time it did (performance.now()). */
export async function waitHealthy(
  url: string,
  { everyMs = 2, timeoutMs = 30_000, child }: { everyMs?: number; timeoutMs?: number; child?: ChildProcess } = {},
): Promise<number> {
  const deadline = performance.now() + timeoutMs
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const req = http.get(url, { agent: false }, (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode === 200))
      })
      req.on('error', () => resolve(false))
    })
    if (ok) return performance.now()
    if (child && child.exitCode !== null) throw new Error(`server exited with ${child.exitCode} before it was healthy`)
    if (performance.now() > deadline) throw new Error(`${url} not healthy within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, everyMs))
  }
}

export function readMemory(pid: number): { rss: number; hwm: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = (name: string) =>
      Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') }
  } catch {
    return undefined
  }
}

export function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve()
    })
    child.kill('SIGTERM')
  })
}

/** Starts the real proxy (`proxyEntry()` unless told) on a free loopback port and waits for /health. */
export async function spawnProxy(
  env: Record<string, string>,
  { entry = proxyEntry(), nodeArgs = [] }: { entry?: string; nodeArgs?: string[] } = {},
): Promise<Spawned> {
  const port = await freePort()
  const { child, output } = spawnTsx(entry, cleanEnv({ ...env, PORT: String(port), HOST: '127.0.0.1' }), nodeArgs)
  const url = `http://127.0.0.1:${port}`
  try {
    await waitHealthy(`${url}/health`, { everyMs: 20, child })
  } catch (err) {
    await stopChild(child)
    throw new Error(`${(err as Error).message}\n${output().slice(-2000)}`)
  }
  const pid = child.pid ?? -1
  return { pid, child, url, memory: () => readMemory(pid), output, stop: () => stopChild(child, 25_000) }
}

/** Whether processes can be pinned to cores here: Linux with taskset and at least two cores. */
export function canPin(): boolean {
  if (os.cpus().length < 2) return false
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/**
 * Pins every thread of `pid` to `cpus` (a taskset list such as "0" or "1-3"), or back to every core when undefined.
 * Threads started later inherit it from the thread that starts them.
 */
export function pinProcess(pid: number, cpus: string | undefined): void {
  const all = `0-${os.cpus().length - 1}`
  execFileSync('taskset', ['-a', '-cp', cpus ?? all, String(pid)], { stdio: 'ignore' })
}

let ticksPerSecond: number | undefined

/** CPU time the process has used so far, in ms, user and system, from /proc/<pid>/stat (undefined off Linux). */
export function cpuTimeMs(pid: number): { user: number; system: number } | undefined {
  try {
    // The command name (field 2) may hold spaces and parentheses: count fields from the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
    // Fields 14 (utime) and 15 (stime) of proc(5); fields[0] is field 3.
    const ms = (field: number) => (Number(fields[field - 3]) / (ticksPerSecond ?? 100)) * 1000
    return { user: ms(14), system: ms(15) }
  } catch {
    return undefined
  }
}
