import { fileURLToPath } from 'node:url'
import { build, type InlineConfig } from 'vite'

const configFile = fileURLToPath(new URL('../../plugin/vite.config.ts', import.meta.url))

/**
 * Builds the plugin with plugin/vite.config.ts into `outDir`. Vite (and plugin-vue) decide "production" from
 * NODE_ENV, which vitest sets to "test"; the bundle must be the production one, so NODE_ENV is production for the
 * duration of the build.
 */
export async function buildPlugin({
  outDir,
  define,
  mode = 'production',
}: {
  outDir: string
  define?: InlineConfig['define']
  mode?: string
}): Promise<void> {
  const previous = process.env['NODE_ENV']
  process.env['NODE_ENV'] = 'production'
  try {
    await build({
      configFile,
      mode,
      logLevel: 'silent',
      ...(define ? { define } : {}),
      build: { outDir, emptyOutDir: true },
    })
  } finally {
    if (previous === undefined) delete process.env['NODE_ENV']
    else process.env['NODE_ENV'] = previous
  }
}
