/**
 * `npm test`, the one command CI runs: format check, lint and typecheck, then the plugin and proxy builds (the bundle
 * test, the image test and the browser tests use the real builds), then every vitest project once. Ends with one
 * plain line "N passed, N failed" that CI reads; a failed check counts as one failure, so does a test file that fails
 * to load. Arguments go to vitest (`npm test -- --project unit`).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'

const run = (args: string[]) => spawnSync('npx', args, { stdio: 'inherit', env: process.env }).status ?? 1

const checks: Array<[string, string[]]> = [
  ['format', ['prettier', '--check', '--log-level', 'warn', '.']],
  ['lint', ['eslint', '.']],
  ['typecheck', ['vue-tsc', '--noEmit', '-p', 'tsconfig.json']],
]
const builds: Array<[string, string[]]> = [
  ['plugin build', ['vite', 'build', '--config', 'plugin/vite.config.ts', '--logLevel', 'warn']],
  ['proxy build', ['tsx', 'scripts/buildProxy.ts']],
]

const failedChecks: string[] = []
for (const [name, args] of checks) {
  console.log(`\n> ${name}`)
  if (run(args) !== 0) failedChecks.push(name)
}
for (const [name, args] of builds) {
  console.log(`\n> ${name}`)
  if (run(args) !== 0) {
    console.error(`The ${name} failed; no tests were run.`)
    console.log(`\n0 passed, ${failedChecks.length + 1} failed`)
    process.exit(1)
  }
}

mkdirSync('test/artifacts', { recursive: true })
const report = 'test/artifacts/vitest-report.json'
rmSync(report, { force: true })
const status = run([
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
if (skipped) console.log(`\n${skipped} skipped (see the banners above for why)`)
if (failedChecks.length) console.log(`\nFailed checks: ${failedChecks.join(', ')} (each counts as one failure)`)
failed += failedChecks.length
console.log(`\n${passed} passed, ${failed} failed`)
process.exit(status !== 0 || failed > 0 || passed === 0 ? 1 : 0)
