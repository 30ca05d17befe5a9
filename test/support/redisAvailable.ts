import { findRedisServer } from '../../dev/simulators/redisServer.ts'

/**
 * Whether the shared-state suites can run. Without redis-server they are skipped with a loud banner locally, but
 * in CI (CI set) a missing server is a failure: the suite must never pass by not running.
 */
export function redisAvailable(): boolean {
  if (findRedisServer()) return true
  if (process.env['CI'])
    throw new Error('redis-server not found; CI must install it (apt-get install -y redis-server).')
  console.warn(
    [
      '',
      '#'.repeat(78),
      '#  SHARED-STATE (REDIS) TESTS SKIPPED: no redis-server or valkey-server on PATH.',
      '#  Install it with: apt-get install -y redis-server',
      '#'.repeat(78),
      '',
    ].join('\n'),
  )
  return false
}
