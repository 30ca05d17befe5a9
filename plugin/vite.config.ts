import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import cssInjectedByJsPlugin from 'vite-plugin-css-injected-by-js'
import { plugins } from '@storyblok/field-plugin/vite'
import { buildRecorderPage } from './build/buildRecorderPage.ts'
import { minifyInlineJs } from './build/minifyInlineJs.ts'

const root = fileURLToPath(new URL('.', import.meta.url))

type TemplateNode = { type: number; props?: Array<{ type: number; name: string; arg?: { content?: string } }> }

/** `data-testid` hooks are for the browser tests; the production bundle drops them (it is measured against a budget). */
function stripTestIds(node: TemplateNode) {
  if (node.type !== 1 || !node.props) return
  node.props = node.props.filter(
    (p) => !(p.type === 6 && p.name === 'data-testid') && !(p.type === 7 && p.arg?.content === 'data-testid'),
  )
}

/**
 * Storyblok uploads exactly one file (dist/index.js) as the field type's body, so everything — Vue, CSS, the audio
 * worklet — must live in it: CSS is injected by JS, dynamic imports are inlined, nothing is emitted as an asset.
 * `VITE_SB_CONTAINER_ORIGIN` (local emulator only) is read by useFieldBridge via import.meta.env.
 */
export default defineConfig(({ mode }) => ({
  root,
  base: './',
  envDir: root,
  // The library's print-prod plugin advertises `npm run deploy`; ours is `npm run deploy:plugin` (see the README).
  plugins: [
    minifyInlineJs(),
    // The emulator build (mode "emulator", used by the browser tests) keeps the test ids.
    vue({ template: { compilerOptions: { nodeTransforms: mode === 'emulator' ? [] : [stripTestIds as never] } } }),
    cssInjectedByJsPlugin(),
    ...plugins.filter((p) => !(p && 'name' in p && p.name === 'storyblok-field-plugin-print-prod')),
    // The companion recorder window: a second entry, built into the same outDir as recorder.html.
    buildRecorderPage(),
  ],
  define: {
    'process.env.NODE_ENV': JSON.stringify('production'),
    // Composition API only: dropping the Options API and devtools hooks keeps the bundle well inside its budget.
    __VUE_OPTIONS_API__: 'false',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: Number.MAX_SAFE_INTEGER,
    cssCodeSplit: false,
    modulePreload: false,
    sourcemap: false,
    rollupOptions: {
      output: {
        format: 'commonjs',
        codeSplitting: false,
        entryFileNames: '[name].js',
        chunkFileNames: '[name].js',
        assetFileNames: '[name].[ext]',
      },
    },
  },
}))
