/**
 * `npm test`: builds the plugin (the bundle test and the browser tests use the real bundle), runs every
 * vitest suite once, and ends with one plain line "N passed, N failed, N skipped" that CI reads.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'

const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'inherit', env: process.env }).status ?? 1

mkdirSync('test/artifacts', { recursive: true })
for (const [what, args] of [
  ['plugin', ['vite', 'build', '--config', 'plugin/vite.config.ts', '--logLevel', 'warn']],
  ['proxy', ['tsx', 'scripts/buildProxy.ts']],
] as const) {
  if (run('npx', [...args]) !== 0) {
    console.error(`The ${what} build failed; no tests were run.`)
    console.log('0 passed, 1 failed')
    process.exit(1)
  }
}

const report = 'test/artifacts/vitest-report.json'
const status = run('npx', [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
  ...process.argv.slice(2),
])

let passed = 0
let failed = 0
let skipped = 0
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, 'utf8')) as {
    numPassedTests: number
    numFailedTests: number
    numPendingTests: number
    numTodoTests: number
    testResults: Array<{ status: string; assertionResults: Array<{ status: string }> }>
  }
  passed = r.numPassedTests
  // A file that fails to load (or fails in a hook) has no failed test of its own: count it once.
  const brokenFiles = r.testResults.filter(
    (f) => f.status === 'failed' && !f.assertionResults.some((a) => a.status === 'failed'),
  ).length
  failed = r.numFailedTests + brokenFiles
  skipped = r.numPendingTests + r.numTodoTests
} else {
  failed = 1
}
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`)
process.exit(status !== 0 || failed > 0 || passed === 0 ? 1 : 0)
