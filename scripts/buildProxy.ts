/**
 * `npm run build:proxy`: compiles the proxy into dist/proxy/ — plain JavaScript that `node` runs without a loader.
 *
 * Everything the proxy imports is bundled, so the image needs no node_modules and no TypeScript at run time. Code
 * splitting keeps the SDK clients in their own chunks: main.js stays small and they load after `/health` answers,
 * exactly as the lazy imports in buildDeps.ts intend.
 */
import { build } from 'esbuild'
import { copyFileSync, existsSync, readFileSync, rmSync } from 'node:fs'

const outdir = 'dist/proxy'
const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }
rmSync(outdir, { recursive: true, force: true })

const result = await build({
  entryPoints: { main: 'proxy/main.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  // The SDKs ship ES modules beside CommonJS; their ESM keeps named exports static (and lets esbuild drop code).
  mainFields: ['module', 'main'],
  target: 'node24',
  sourcemap: 'linked',
  legalComments: 'linked',
  chunkNames: 'chunks/[name]-[hash]',
  metafile: true,
  define: { __PROXY_VERSION__: JSON.stringify(version) },
  logLevel: 'warning',
  // ws probes for these optional native speed-ups inside try/catch; without them it uses its JavaScript code.
  external: ['bufferutil', 'utf-8-validate'],
  // Some bundled CommonJS packages call require(); an ESM bundle has none unless it makes one.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
})

const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + (o.bytes ?? 0), 0)
const main = result.metafile.outputs[`${outdir}/main.js`]?.bytes ?? 0
console.log(
  `proxy built: ${outdir}/main.js ${(main / 1024).toFixed(0)} kB, ${(bytes / 1024 / 1024).toFixed(1)} MB in all`,
)

// The companion recorder window is built by the plugin's Vite config; the image serves it from dist/ (RECORDER_PAGE).
const recorder = 'plugin/dist/recorder.html'
if (existsSync(recorder)) copyFileSync(recorder, 'dist/recorder.html')
else console.warn(`${recorder} is not built (npm run build:plugin): the image would answer GET /recorder with 503`)
