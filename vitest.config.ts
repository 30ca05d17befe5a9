import { defineConfig } from 'vitest/config'

/**
 * Four projects, fastest first: `npm run test:unit` (seconds, no servers), `test:integration` (real proxy and SDKs
 * against the loopback simulators), `test:e2e` (headless Chromium, needs the plugin build), `test:load` (load, fuzz,
 * bench smoke). `npm test` runs them all.
 */
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Browser suites share one Chromium per file; two workers match CI's two cores.
    maxWorkers: 2,
    reporters: ['default'],
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    projects: ['unit', 'integration', 'e2e', 'load'].map((name) => ({
      extends: true,
      test: { name, include: [`test/${name}/**/*.test.ts`] },
    })),
  },
})
