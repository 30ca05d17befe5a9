import type { Plugin } from 'vite'

/** The nonce placeholder of the inlined script; the proxy puts a fresh nonce there for each window it serves. */
export const NONCE_PLACEHOLDER = '__RECORDER_NONCE__'

const escapeScript = (code: string) => code.replace(/<\/(script)/gi, '<\\/$1')

/**
 * Makes an HTML entry one self-contained file: its script chunk (at the end of <body>) and stylesheets go inline and
 * are not emitted, so the page needs nothing but itself (the proxy serves it with `script-src 'nonce-…'` and no
 * external files).
 */
export function inlineIntoHtml(): Plugin {
  return {
    name: 'inline-into-html',
    apply: 'build',
    enforce: 'post',
    generateBundle(_options, bundle) {
      for (const page of Object.values(bundle)) {
        if (page.type !== 'asset' || !page.fileName.endsWith('.html')) continue
        let html = String(page.source)
        for (const file of Object.values(bundle)) {
          const ref = new RegExp(`<script[^>]*\\ssrc="[^"]*${escapeRegExp(file.fileName)}"[^>]*></script>`)
          const css = new RegExp(`<link[^>]*\\shref="[^"]*${escapeRegExp(file.fileName)}"[^>]*>`)
          if (file.type === 'chunk' && ref.test(html)) {
            // A classic script runs where it stands: after the markup it works on, not in <head> where Vite put it.
            const script = `<script nonce="${NONCE_PLACEHOLDER}">${escapeScript(file.code)}</script>`
            html = html.replace(ref, '').replace('</body>', () => `${script}\n  </body>`)
            delete bundle[file.fileName]
          } else if (file.type === 'asset' && file.fileName.endsWith('.css') && css.test(html)) {
            html = html.replace(css, () => `<style>${String(file.source)}</style>`)
            delete bundle[file.fileName]
          }
        }
        page.source = html
      }
    },
  }
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
