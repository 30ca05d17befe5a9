import { fileURLToPath } from 'node:url'
import { resolve } from 'node:path'
import { build, type LogLevel, type Plugin } from 'vite'
import { inlineIntoHtml } from './inlineIntoHtml.ts'
import { minifyInlineJs } from './minifyInlineJs.ts'

const pluginRoot = fileURLToPath(new URL('..', import.meta.url))

/**
 * After the field plugin's own build, builds the companion recorder window (recorder.html + recorder/main.ts) into the
 * same outDir as one self-contained `recorder.html`, which the proxy serves at GET /recorder. A separate build: the
 * field plugin must stay exactly one CommonJS file, and the recorder needs neither Vue nor the field-plugin library.
 */
export function buildRecorderPage(): Plugin {
  let outDir = ''
  let mode = 'production'
  let logLevel: LogLevel = 'info'
  return {
    name: 'build-recorder-page',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir)
      mode = config.mode
      logLevel = config.logLevel ?? 'info'
    },
    async closeBundle() {
      await build({
        configFile: false,
        root: pluginRoot,
        base: './',
        envDir: false,
        mode,
        logLevel,
        plugins: [minifyInlineJs(), inlineIntoHtml()],
        build: {
          outDir,
          emptyOutDir: false,
          target: 'es2022',
          modulePreload: false,
          sourcemap: false,
          cssCodeSplit: false,
          assetsInlineLimit: Number.MAX_SAFE_INTEGER,
          rollupOptions: {
            input: resolve(pluginRoot, 'recorder.html'),
            // A classic script (inlined with a nonce), so no module semantics are needed.
            output: { format: 'iife' },
          },
        },
      })
    },
  }
}
