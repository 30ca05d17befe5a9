import { randomBytes } from 'node:crypto'
import type { Hono } from 'hono'
// eslint-disable-next-line no-restricted-imports -- TODO(issue 12): the recorder becomes a built Vite entry
import { CAPTURE_PROCESSOR_NAME, captureWorkletSource } from '../../plugin/speech/captureWorklet.ts'
import { PLUGIN_SOURCE, RECORDER_SOURCE } from '../../shared/recorderProtocol.ts'
import type { AppEnv } from '../http/appEnv.ts'
import type { Deps } from '../deps.ts'

const SID = /^[A-Za-z0-9_-]{8,64}$/

/**
 * GET /recorder?origin=<plugin origin>&sid=<id>[&lang=de]: the companion recorder window, for editors whose
 * plugin iframe may not use the microphone. A top-level page on the proxy's origin: it captures 16 kHz PCM,
 * streams it over /api/transcribe with tickets the opener supplies, and posts the final transcript back to
 * the opener. Self-contained (no external assets), nonce'd script, strict origin checks both ways.
 */
export function registerRecorderPage(app: Hono<AppEnv>, { config }: Deps): void {
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
      return c.html(
        page(
          nonce,
          '<p role="alert">This recorder can only be opened from the Storyblok Voice Assistant plugin.</p>',
          '',
        ),
        400,
      )
    }
    const settings = JSON.stringify({
      origin,
      sid,
      lang,
      recorder: RECORDER_SOURCE,
      plugin: PLUGIN_SOURCE,
      processor: CAPTURE_PROCESSOR_NAME,
    })
    return c.html(
      page(
        nonce,
        BODY,
        `const SETTINGS = ${settings.replace(/</g, '\\u003c')};\nconst WORKLET = ${JSON.stringify(captureWorkletSource).replace(/</g, '\\u003c')};\n${SCRIPT}`,
      ),
    )
  })
}

const page = (nonce: string, body: string, script: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Voice recorder</title>
<style>
body{font:15px/1.4 system-ui,sans-serif;margin:0;padding:16px;color:#1b243f;background:#fff}
h1{font-size:17px;margin:0 0 12px}
button{font:inherit;padding:10px 18px;border-radius:6px;border:1px solid #00b3b0;background:#00b3b0;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#1b243f;border-color:#b0b8c9}
button:disabled{opacity:.5;cursor:default}
#meter{height:8px;background:#eef1f5;border-radius:4px;margin:12px 0;overflow:hidden}
#meter>div{height:100%;width:0;background:#00b3b0;transition:width .08s}
#text{min-height:3em;white-space:pre-wrap;border:1px solid #dfe3e8;border-radius:6px;padding:8px}
#status{color:#59606f;margin:8px 0}
[role=alert]{color:#a31a1a}
</style></head><body>${body}${script ? `<script nonce="${nonce}">${script}</script>` : ''}</body></html>`

const BODY = `<h1>Voice recorder</h1>
<p id="status">Press “Record”, speak, then press “Stop”. Your words go back to the plugin.</p>
<div><button id="record">Record</button> <button id="stop" disabled>Stop</button> <button id="retry" class="secondary" hidden>Retry</button> <button id="cancel" class="secondary">Cancel</button></div>
<div id="meter"><div></div></div>
<div id="text" aria-live="polite"></div>
<p id="error" role="alert" hidden></p>`

/** Plain browser JS (the page has no build step); mirrors plugin/speech/createTranscriber.ts. */
const SCRIPT = /* js */ `
(() => {
  const S = SETTINGS;
  const $ = (id) => document.getElementById(id);
  const opener = window.opener;
  const state = { ticketWaiters: [], chunks: [], ws: null, ctx: null, stream: null, node: null, done: false };
  const post = (msg) => { if (opener && !opener.closed) opener.postMessage({ source: S.recorder, sid: S.sid, ...msg }, S.origin); };
  const status = (t) => { $('status').textContent = t; };
  const showError = (message, hint) => { const e = $('error'); e.hidden = false; e.textContent = hint ? message + ' ' + hint : message; $('retry').hidden = state.chunks.length === 0; };
  const clearError = () => { $('error').hidden = true; $('retry').hidden = true; };
  if (!opener) { showError('This window lost its connection to the plugin.', 'Close it and use the plugin again, or type your prompt.'); $('record').disabled = true; return; }

  window.addEventListener('message', (event) => {
    if (event.origin !== S.origin || event.source !== opener) return;
    const d = event.data;
    if (!d || d.source !== S.plugin || d.sid !== S.sid) return;
    const waiter = state.ticketWaiters.shift();
    if (!waiter) return;
    if (d.type === 'ticket' && typeof d.ticket === 'string') waiter.resolve(d.ticket);
    else if (d.type === 'ticket-error') waiter.reject(new Error(String(d.message || 'No ticket') + (d.hint ? ' ' + d.hint : '')));
  });
  const ticket = () => new Promise((resolve, reject) => {
    state.ticketWaiters.push({ resolve, reject });
    post({ type: 'need-ticket' });
    setTimeout(() => reject(new Error('The plugin did not answer. Is it still open?')), 10000);
  });

  function connect(replay) {
    return ticket().then((t) => new Promise((resolve, reject) => {
      const url = location.origin.replace(/^http/, 'ws') + '/api/transcribe?ticket=' + encodeURIComponent(t);
      const ws = new WebSocket(url);
      ws.binaryType = 'arraybuffer';
      state.ws = ws;
      let settled = false;
      ws.onopen = () => {
        ws.send(JSON.stringify({ type: 'start', language: S.lang || 'default', sampleRate: 16000, encoding: 'pcm' }));
        for (const c of replay) ws.send(c);
        settled = true;
        resolve(ws);
      };
      ws.onmessage = (e) => {
        let m; try { m = JSON.parse(e.data); } catch { return; }
        if (m.type === 'partial') { $('text').textContent = m.text; post({ type: 'partial', text: m.text }); }
        else if (m.type === 'final') { state.done = true; $('text').textContent = m.text; finish(m.text); }
        else if (m.type === 'error') { state.failed = true; showError(m.message, m.hint); status('Something went wrong.'); }
      };
      ws.onclose = () => {
        if (!settled) reject(new Error('Could not connect to the proxy.'));
        else if (!state.done && !state.failed && !state.ending) { showError('The connection to the proxy was lost.', 'Press Retry: your recording was kept.'); }
        if (state.ending && !state.done && !state.failed) showError('No transcript arrived.', 'Press Retry: your recording was kept.');
      };
    }));
  }

  function finish(text) {
    post({ type: 'final', text });
    state.chunks = [];
    status(text ? 'Sent to the plugin. You can close this window.' : 'Nothing was heard. Try again.');
    $('record').disabled = false;
    if (text) setTimeout(() => window.close(), 600);
  }

  async function record() {
    clearError();
    state.chunks = []; state.done = false; state.failed = false; state.ending = false;
    $('text').textContent = '';
    $('record').disabled = true;
    status('Asking for the microphone…');
    try {
      state.stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true } });
      let ctx;
      try { ctx = new AudioContext({ sampleRate: 16000 }); } catch { ctx = new AudioContext(); }
      state.ctx = ctx;
      const blobUrl = URL.createObjectURL(new Blob([WORKLET], { type: 'text/javascript' }));
      await ctx.audioWorklet.addModule(blobUrl);
      URL.revokeObjectURL(blobUrl);
      const src = ctx.createMediaStreamSource(state.stream);
      const node = new AudioWorkletNode(ctx, S.processor, { processorOptions: { targetRate: 16000, frameMs: 100 } });
      const mute = ctx.createGain(); mute.gain.value = 0;
      src.connect(node); node.connect(mute); mute.connect(ctx.destination);
      state.node = node;
      const ws = await connect([]);
      node.port.onmessage = (e) => {
        const { pcm, rms } = e.data;
        state.chunks.push(pcm);
        $('meter').firstElementChild.style.width = Math.round(Math.max(0, Math.min(1, 1 + (20 * Math.log10(rms || 1e-9)) / 60)) * 100) + '%';
        if (state.ws && state.ws.readyState === 1) state.ws.send(pcm);
      };
      void ws;
      await ctx.resume();
      $('stop').disabled = false;
      status('Listening… press Stop when you are done.');
      post({ type: 'state', state: 'listening' });
    } catch (err) {
      release();
      $('record').disabled = false;
      const denied = err && (err.name === 'NotAllowedError' || err.name === 'SecurityError');
      showError(denied ? 'The microphone was blocked.' : String((err && err.message) || err), denied ? 'Allow the microphone for this window in the browser, or type your prompt in the plugin.' : '');
      status('');
    }
  }

  function release() {
    if (state.node) { try { state.node.port.postMessage('stop'); } catch {} state.node.disconnect(); state.node = null; }
    if (state.stream) { for (const t of state.stream.getTracks()) t.stop(); state.stream = null; }
    if (state.ctx) { void state.ctx.close(); state.ctx = null; }
  }

  function stop() {
    $('stop').disabled = true;
    state.ending = true;
    if (state.node) state.node.port.postMessage('flush');
    setTimeout(() => {
      release();
      status('Transcribing…');
      post({ type: 'state', state: 'transcribing' });
      if (state.ws && state.ws.readyState === 1) state.ws.send(JSON.stringify({ type: 'stop' }));
    }, 120);
  }

  async function retry() {
    clearError();
    state.done = false; state.failed = false; state.ending = true;
    status('Retrying with your recording…');
    try {
      const ws = await connect(state.chunks);
      ws.send(JSON.stringify({ type: 'stop' }));
    } catch (err) { showError(String((err && err.message) || err), 'Try again, or type your prompt.'); }
  }

  $('record').addEventListener('click', () => void record());
  $('stop').addEventListener('click', stop);
  $('retry').addEventListener('click', () => void retry());
  $('cancel').addEventListener('click', () => { post({ type: 'cancel' }); release(); if (state.ws) state.ws.close(); window.close(); });
  window.addEventListener('beforeunload', () => { if (!state.done) post({ type: 'cancel' }); });
  post({ type: 'ready' });
})();
`
