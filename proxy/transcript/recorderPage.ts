import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { Hono } from 'hono'
import type { AppEnv } from '../http/appEnv.ts'
import type { Deps } from '../deps.ts'

const SID = /^[A-Za-z0-9_-]{8,64}$/
/** Placeholders of the built page (plugin/recorder.html, plugin/build/inlineIntoHtml.ts). */
const NONCE = '__RECORDER_NONCE__'
const SETTINGS = '__RECORDER_SETTINGS__'

type RecorderPage =
  | { ok: true; render(nonce: string, settings: string): string; problem?: never }
  | { ok: false; render?: never; problem: string }

/**
 * The built recorder window (`npm run build` writes plugin/dist/recorder.html): read once, split at its placeholders,
 * so each request only joins strings.
 */
export function loadRecorderPage(path: string): RecorderPage {
  let html: string
  try {
    html = readFileSync(path, 'utf8')
  } catch (err) {
    return {
      ok: false,
      problem: `cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? err}): run npm run build`,
    }
  }
  const [head, rest, ...extraSettings] = html.split(SETTINGS)
  const [middle, tail, ...extraNonces] = (rest ?? '').split(NONCE)
  if (head === undefined || middle === undefined || tail === undefined || extraSettings.length || extraNonces.length)
    return { ok: false, problem: `${path} is not a recorder page built by plugin/vite.config.ts: rebuild it` }
  return { ok: true, render: (nonce, settings) => head + settings + middle + nonce + tail }
}

/**
 * GET /recorder?origin=<plugin origin>&sid=<id>[&lang=de]: the companion recorder window, for editors whose
 * plugin iframe may not use the microphone. A top-level page on the proxy's origin, built from the plugin's own
 * speech code (plugin/recorder/main.ts): it captures 16 kHz PCM, streams it over /api/transcribe with tickets the
 * opener supplies, and posts the final transcript back to the opener. Self-contained (no external assets), nonce'd
 * script, strict origin checks both ways.
 */
export function registerRecorderPage(app: Hono<AppEnv>, { config, log }: Deps): void {
  const built = loadRecorderPage(config.recorder.pagePath)
  if (!built.ok) log.warn('recorder page unavailable: GET /recorder answers 503', { problem: built.problem })
  app.get('/recorder', (c) => {
    const origin = c.req.query('origin') ?? ''
    const sid = c.req.query('sid') ?? ''
    const lang = (c.req.query('lang') ?? '').slice(0, 20)
    const nonce = randomBytes(16).toString('base64')
    const host = c.req.header('host') ?? ''
    c.header(
      'Content-Security-Policy',
      [
        "default-src 'none'",
        // blob: is the AudioWorklet (createMicCapture loads it from a Blob URL).
        `script-src 'nonce-${nonce}' blob:`,
        "style-src 'unsafe-inline'",
        `connect-src 'self' ws://${host} wss://${host}`,
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
      ].join('; '),
    )
    c.header('Cache-Control', 'no-store')
    c.header('Permissions-Policy', 'microphone=(self)')
    // The window must keep its opener to post the transcript back.
    c.header('Cross-Origin-Opener-Policy', 'unsafe-none')
    if (!config.access.allowedOrigins.includes(origin) || !SID.test(sid)) {
      return c.html(messagePage('This recorder can only be opened from the Storyblok Voice Assistant plugin.'), 400)
    }
    if (!built.ok) {
      return c.html(
        messagePage('The recorder window is not available on this proxy yet.', 'Type your prompt in the plugin.'),
        503,
      )
    }
    // Script-inert JSON: `<` escaped so no value can close the element.
    const settings = JSON.stringify({ origin, sid, lang }).replace(/</g, '\\u003c')
    return c.html(built.render(nonce, settings))
  })
}

/** A refusal or outage, for a person looking at a small window: no script. */
const messagePage = (message: string, hint = '') => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Voice recorder</title>
<style>body{font:15px/1.4 system-ui,sans-serif;margin:0;padding:16px;color:#1b243f;background:#fff}h1{font-size:17px;margin:0 0 12px}[role=alert]{color:#a31a1a}</style>
</head><body><h1>Voice recorder</h1><p role="alert">${message}${hint ? ` ${hint}` : ''}</p></body></html>`
