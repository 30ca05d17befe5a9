import { randomBytes } from 'node:crypto'
import type { Context } from 'hono'
import type { AppEnv } from '../http/appEnv.ts'
import type { SignInMessage } from '../../shared/signInProtocol.ts'

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch)

/**
 * The last page of the sign-in window: posts the outcome to the plugin that opened it (only to that plugin's origin,
 * one of ALLOWED_ORIGINS) and closes. Without an opener (opened by hand) it only says what happened.
 */
export function signInPage(
  c: Context<AppEnv>,
  {
    origin,
    message,
    status,
  }: { origin: string | undefined; message: SignInMessage; status: 200 | 400 | 401 | 403 | 503 },
): Response {
  const nonce = randomBytes(16).toString('base64')
  c.header(
    'Content-Security-Policy',
    `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
  )
  c.header('Cache-Control', 'no-store')
  c.header('Referrer-Policy', 'no-referrer')
  // The window must keep its opener to post the session back.
  c.header('Cross-Origin-Opener-Policy', 'unsafe-none')
  const text = message.error
    ? `${message.error.message}${message.error.hint ? ` ${message.error.hint}` : ''}`
    : `Signed in as ${message.editor.name}. You can close this window.`
  // Script-inert JSON: `<` escaped so no value can close the element.
  const data = JSON.stringify({ origin: origin ?? null, message }).replace(/</g, '\\u003c')
  const script = origin
    ? `<script nonce="${nonce}">(function(){var d=JSON.parse(document.getElementById('sva').textContent);` +
      `if(window.opener&&d.origin){window.opener.postMessage(d.message,d.origin);` +
      `${message.error ? '' : 'window.close();'}}})()</script>`
    : ''
  return c.html(
    `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Sign in with Storyblok</title>
<style>body{font:15px/1.4 system-ui,sans-serif;margin:0;padding:16px;color:#1b243f;background:#fff}h1{font-size:17px;margin:0 0 12px}[role=alert]{color:#a31a1a}</style>
</head><body><h1>Sign in with Storyblok</h1><p${message.error ? ' role="alert"' : ''}>${escapeHtml(text)}</p>
<script type="application/json" id="sva">${origin ? data : 'null'}</script>${script}</body></html>`,
    status,
  )
}
