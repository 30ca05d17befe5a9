import { transformSync } from 'esbuild'
import type { Plugin } from 'vite'

/**
 * Source text tagged `/* js *\/ \`...\`` (the AudioWorklet, loaded from a Blob URL) is a string to the bundler, so it
 * would ship with its comments and indentation; minify it like the rest of the bundle.
 */
export function minifyInlineJs(): Plugin {
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
