import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import net from 'node:net'

export type RedisServer = {
  url: string
  port: number
  /** Kills the server (SIGKILL: like a crash, nothing flushed). */
  kill(): Promise<void>
  /** Starts it again on the same port, empty (no persistence). */
  restart(): Promise<void>
  /** Freezes it (SIGSTOP): connections stay open, nothing is answered — a server that is slow, not down. */
  pause(): void
  resume(): void
  close(): Promise<void>
}

/** `redis-server` or `valkey-server` on PATH, or undefined. */
export function findRedisServer(): string | undefined {
  for (const name of ['redis-server', 'valkey-server']) {
    const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' })
    const path = found.stdout.trim()
    if (found.status === 0 && path) return path
  }
  return undefined
}

async function freePort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/**
 * A real, throwaway Redis (or Valkey) on a free loopback port for the multi-instance tests: no persistence,
 * no config file, gone with the test.
 */
export async function startRedisServer({ binary = findRedisServer() }: { binary?: string } = {}): Promise<RedisServer> {
  if (!binary) throw new Error('redis-server (or valkey-server) is not installed: apt-get install -y redis-server')
  const port = await freePort()
  let child: ChildProcess | undefined

  const start = async () => {
    const proc = spawn(
      binary,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    child = proc
    let out = ''
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${out}`)), 10_000)
      const onData = (d: Buffer) => {
        out += d.toString('utf8')
        if (/Ready to accept connections/.test(out)) {
          clearTimeout(timer)
          proc.stdout?.off('data', onData)
          resolve()
        }
      }
      proc.stdout?.on('data', onData)
      proc.once('exit', (code) => {
        clearTimeout(timer)
        reject(new Error(`redis-server exited with ${code}:\n${out}`))
      })
    })
  }
  const kill = async () => {
    const proc = child
    child = undefined
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return
    const exited = new Promise((resolve) => proc.once('exit', resolve))
    proc.kill('SIGKILL')
    await exited
  }

  await start()
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill,
    restart: start,
    pause: () => void child?.kill('SIGSTOP'),
    resume: () => void child?.kill('SIGCONT'),
    close: kill,
  }
}
