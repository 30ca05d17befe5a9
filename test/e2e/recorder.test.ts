/**
 * The companion recorder window in headless Chromium: an opener page on another origin (standing in for the
 * plugin iframe) uses plugin/speech/openRecorderWindow (bundled with esbuild) to open GET /recorder on the
 * proxy; the fake microphone plays test/fixtures/prompt.wav; the transcript travels popup → opener.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { build } from 'esbuild'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../proxy/createApp.ts'
import { serveApp, startWorld, TEST_PROXY_KEY, type ServedProxy, type World } from '../../dev/world.ts'
import { browserAvailable, collectConsoleErrors, launchBrowser, shot } from './support/browser.ts'

const PHRASE = 'Write a hero headline for our autumn sale'
const run = browserAvailable()

let world: World
let proxy: ServedProxy
let opener: { url: string; close(): Promise<void> }
let browser: Browser

async function openerPage(proxyUrl: string): Promise<string> {
  const bundle = await build({
    stdin: {
      contents: [
        `export { openRecorderWindow } from './plugin/speech/openRecorderWindow.ts'`,
        `export { fetchTicket, createTranscriber } from './plugin/speech/createTranscriber.ts'`,
        `export { createMicCapture } from './plugin/speech/createMicCapture.ts'`,
      ].join('\n'),
      resolveDir: new URL('../..', import.meta.url).pathname,
      loader: 'ts',
    },
    bundle: true,
    format: 'iife',
    globalName: 'VoiceSpeech',
    write: false,
    target: 'es2022',
  })
  const js = bundle.outputFiles[0]!.text
  return `<!doctype html><meta charset="utf-8"><title>plugin stand-in</title>
<button id="speak">Speak</button><button id="inline">Record inline</button><button id="stop">Stop</button>
<p id="state"></p><textarea id="prompt"></textarea>
<script>${js}
let capture, transcriber
document.getElementById('inline').addEventListener('click', async () => {
  transcriber = VoiceSpeech.createTranscriber({ baseUrl: ${JSON.stringify(proxyUrl)}, proxyKey: ${JSON.stringify(TEST_PROXY_KEY)}, language: 'de-DE',
    onPartial: (t) => (document.getElementById('prompt').value = t) })
  capture = await VoiceSpeech.createMicCapture({ onFrame: (pcm) => transcriber.push(pcm) })
  document.getElementById('state').textContent = 'listening via ' + capture.via + ' at ' + capture.contextRate
})
document.getElementById('stop').addEventListener('click', async () => {
  const t0 = performance.now()
  await capture.stop()
  document.getElementById('state').textContent = 'transcribing'
  const text = await transcriber.finish()
  window.stopToFinalMs = performance.now() - t0
  document.getElementById('prompt').value = text
  document.getElementById('state').textContent = 'final'
})
document.getElementById('speak').addEventListener('click', () => {
  const rec = VoiceSpeech.openRecorderWindow({
    proxyUrl: ${JSON.stringify(proxyUrl)},
    language: 'en',
    getTicket: () => VoiceSpeech.fetchTicket({ baseUrl: ${JSON.stringify(proxyUrl)}, proxyKey: ${JSON.stringify(TEST_PROXY_KEY)} }),
    onState: (s) => (document.getElementById('state').textContent = s),
  })
  rec.result.then((r) => {
    document.getElementById('state').textContent = r.type
    if (r.type === 'final') document.getElementById('prompt').value = r.text
  })
})
</script>`
}

beforeAll(async () => {
  if (!run) return
  // The opener lives on localhost:<port>, the proxy on 127.0.0.1:<port>: two origins, like Storyblok and the proxy.
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' })
    res.end(page)
  })
  let page = ''
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const openerOrigin = `http://localhost:${(server.address() as AddressInfo).port}`
  opener = { url: openerOrigin, close: () => new Promise((r) => server.close(() => r())) }
  world = await startWorld({ env: { ALLOWED_ORIGINS: openerOrigin } })
  world.transcribe.setDefault({
    phrase: (a) => (a.voicedMs >= 1200 ? PHRASE : `only ${a.voicedMs} ms of speech`),
    minVoicedMs: 200,
  })
  proxy = await serveApp((upgradeWebSocket) => createApp(world.deps, { upgradeWebSocket }))
  page = await openerPage(proxy.url)
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
  await proxy?.close()
  await opener?.close()
  await world?.close()
})

describe.skipIf(!run)('companion recorder window', () => {
  it('records the fake microphone in the popup and hands the transcript to the cross-origin opener', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    const errors = collectConsoleErrors(page)
    await page.goto(opener.url)
    const [popup] = await Promise.all([page.waitForEvent('popup'), page.click('#speak')])
    const popupErrors = collectConsoleErrors(popup)
    await popup.waitForLoadState()
    expect(new URL(popup.url()).origin).toBe(proxy.url)
    await shot(popup, 'recorder-ready')
    await popup.click('#record')
    await popup.waitForFunction(() => document.getElementById('status')?.textContent?.startsWith('Listening'))
    await page.waitForFunction(() => document.getElementById('state')?.textContent === 'listening')
    await popup.waitForTimeout(2800) // the WAV is 2.5 s and plays once
    await shot(popup, 'recorder-listening')
    const closed = popup.waitForEvent('close')
    await popup.click('#stop')
    await page.waitForFunction(() => document.getElementById('state')?.textContent === 'final', undefined, {
      timeout: 10_000,
    })
    expect(await page.inputValue('#prompt')).toBe(PHRASE)
    await closed // the recorder closes itself after handing over the text
    await shot(page, 'recorder-opener-final')
    const s = world.transcribe.sessions.at(-1)!
    expect(s).toMatchObject({ languageCode: 'en-US', signaturesOk: true, endedByClient: true })
    expect(s.audio.durationMs).toBeGreaterThan(2000)
    expect([...errors, ...popupErrors]).toEqual([])
    await context.close()
  })

  it('captures inline with createMicCapture (AudioWorklet from a Blob URL) and streams it with createTranscriber', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    const errors = collectConsoleErrors(page)
    await page.goto(opener.url)
    await page.click('#inline')
    await page.waitForFunction(() => document.getElementById('state')?.textContent?.startsWith('listening'))
    expect(await page.textContent('#state')).toBe('listening via worklet at 16000')
    await page.waitForTimeout(2800)
    await page.click('#stop')
    await page.waitForFunction(() => document.getElementById('state')?.textContent === 'final', undefined, {
      timeout: 10_000,
    })
    expect(await page.inputValue('#prompt')).toBe(PHRASE)
    console.info(
      `[voice] Chromium inline: Stop click → final transcript ${(await page.evaluate(() => (window as unknown as { stopToFinalMs: number }).stopToFinalMs)).toFixed(1)} ms`,
    )
    const s = world.transcribe.sessions.at(-1)!
    expect(s).toMatchObject({ languageCode: 'de-DE', signaturesOk: true, endedByClient: true })
    expect(s.bytes % 2).toBe(0)
    expect(errors).toEqual([])
    await context.close()
  })

  it('refuses to open for an origin that is not allowed', async () => {
    const page = await browser.newPage()
    const res = await page.goto(
      `${proxy.url}/recorder?origin=${encodeURIComponent('https://evil.example')}&sid=abcdef0123456789`,
    )
    expect(res?.status()).toBe(400)
    expect(await page.locator('#record').count()).toBe(0)
    await page.close()
  })
})
