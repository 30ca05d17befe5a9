import { existsSync, mkdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Frame, type Page } from 'playwright-core'

export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium'
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
export const SCREENSHOT_DIR = join(root, 'test/artifacts/screenshots')
export const FIXTURES = join(root, 'test/fixtures')
export const PROMPT_WAV = join(FIXTURES, 'prompt.wav')

/**
 * Whether browser suites can run. Without Chromium they are skipped with a loud banner locally, but in CI (CI set)
 * a missing browser is a failure: the suite must never pass by not running.
 */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true
  if (process.env['CI'])
    throw new Error(`Chromium not found at ${CHROMIUM}; CI must install it (apt-get install -y chromium).`)
  console.warn(
    [
      '',
      '#'.repeat(78),
      `#  BROWSER TESTS SKIPPED: no Chromium at ${CHROMIUM}.`,
      '#  Install it with: apt-get install -y chromium   (or set CHROMIUM_PATH).',
      '#'.repeat(78),
      '',
    ].join('\n'),
  )
  return false
}

/** One browser per fake-microphone file (the file is fixed per launch). */
export async function launchBrowser({ wav = PROMPT_WAV }: { wav?: string } = {}): Promise<Browser> {
  const args = [
    '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
    '--disable-gpu',
    '--no-first-run',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
    '--disable-background-networking',
  ]
  if (existsSync(wav)) args.push(`--use-file-for-fake-audio-capture=${wav}%noloop`)
  return chromium.launch({ executablePath: CHROMIUM, args })
}

/** Saves test/artifacts/screenshots/<name>.png (the page includes the cross-origin plugin frame). */
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true })
  await settleFrameHeight(page)
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true })
}

/** Lets the plugin's last heightChange reach the emulator, so a screenshot shows the whole panel. */
async function settleFrameHeight(page: Page): Promise<void> {
  const frameEl = await page.$('iframe[data-testid="plugin-frame"]')
  const frame = await frameEl?.contentFrame()
  if (!frameEl || !frame) return
  for (let i = 0; i < 40; i++) {
    const [outer, inner] = await Promise.all([
      frameEl.evaluate((el) => el.clientHeight),
      frame.evaluate(() => document.body.clientHeight).catch(() => -1),
    ])
    if (inner < 0 || Math.abs(outer - inner) <= 1) return
    await page.waitForTimeout(25)
  }
}

/** The plugin's frame inside the emulator page, once its app has rendered something. */
export async function pluginFrame(page: Page, pluginOrigin: string): Promise<Frame> {
  await page.waitForSelector('[data-testid="plugin-frame"]')
  for (let i = 0; i < 200; i++) {
    const frame = page.frames().find((f) => f.url().startsWith(pluginOrigin))
    if (frame) {
      await frame.waitForSelector('.va-root')
      return frame
    }
    await page.waitForTimeout(25)
  }
  throw new Error('the plugin frame never appeared')
}

/** Console errors from the page and its frames, except the favicon 404 every page produces. */
export function collectConsoleErrors(page: Page): string[] {
  const errors: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error' && !/favicon/.test(m.text())) errors.push(m.text())
  })
  page.on('pageerror', (e) => errors.push(String(e)))
  return errors
}
