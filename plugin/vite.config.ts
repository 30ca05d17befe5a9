import { fileURLToPath } from 'node:url'
import { transformSync } from 'esbuild'
import { defineConfig, type Plugin } from 'vite'
import vue from '@vitejs/plugin-vue'
import cssInjectedByJsPlugin from 'vite-plugin-css-injected-by-js'
import { plugins } from '@storyblok/field-plugin/vite'

const root = fileURLToPath(new URL('.', import.meta.url))

/**
 * Source text tagged `/* js *\/ \`...\`` (the AudioWorklet, loaded from a Blob URL) is a string to the bundler, so it
 * would ship with its comments and indentation; minify it like the rest of the bundle.
 */
function minifyInlineJs(): Plugin {
  return {
    name: 'minify-inline-js',
    apply: 'build',
    enforce: 'pre',
    transform(code, id) {
      if (!id.endsWith('.ts') || !code.includes('/* js */ `')) return null
      return code.replace(/\/\* js \*\/ `([^`]*)`/g, (_, js: string) => {
        // Interpolations (e.g. the processor name) survive as placeholders inside the worklet's string literals.
        const exprs: string[] = []
        const marked = js.replace(/\$\{([^}]*)\}/g, (_m, expr: string) => `__INLINE_JS_${exprs.push(expr) - 1}__`)
        const min = transformSync(marked, { minify: true, target: 'es2020' }).code.trim()
        const escaped = min.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${')
        return '`' + escaped.replace(/__INLINE_JS_(\d+)__/g, (_m, i: string) => `\${${exprs[Number(i)]}}`) + '`'
      })
    },
  }
}

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
