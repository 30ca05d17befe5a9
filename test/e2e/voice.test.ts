import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { browserAvailable, collectConsoleErrors, shot } from './support/browser.ts'
import { startStack, type Stack } from './support/stack.ts'

const run = browserAvailable()
const SPOKEN = 'Write a short headline about our autumn sale'

describe.runIf(run)('voice input in the plugin frame', () => {
  let stack: Stack
  beforeAll(async () => {
    stack = await startStack()
    stack.world.transcribe.setDefault({
      phrase: (a) => (a.voicedMs >= 1200 ? SPOKEN : `only ${a.voicedMs} ms of speech`),
      minVoicedMs: 200,
    })
  })
  afterAll(async () => {
    await stack?.close()
  })

  it('falls back to the recorder window and hands its transcript to the plugin, editable', async () => {
    const { page, plugin } = await stack.open({ mic: '0' })
    const errors = collectConsoleErrors(page)
    expect(await page.locator('iframe').getAttribute('allow')).toBeNull()
    const sessionsBefore = stack.world.transcribe.sessions.length
    const [popup] = await Promise.all([page.waitForEvent('popup'), plugin.click('[data-testid="mic-toggle"]')])
    await popup.waitForLoadState()
    expect(new URL(popup.url()).origin).toBe(new URL(stack.proxyUrl).origin)
    await popup.click('#record')
    await plugin.waitForSelector('[data-testid="transcript-live"]')
    // The fake microphone plays the WAV once; stop when the simulator has received all of it.
    await expect
      .poll(() => stack.world.transcribe.sessions[sessionsBefore]?.audio.durationMs ?? 0, { timeout: 10_000 })
      .toBeGreaterThan(2400)
    await shot(page, 'voice-fallback-recorder-listening')
    await popup.click('#stop')
    await plugin.waitForSelector('[data-testid="transcript-text"]', { timeout: 10_000 })
    expect(await plugin.inputValue('[data-testid="transcript-text"]')).toBe(SPOKEN)
    await shot(page, 'voice-fallback-transcript')
    expect(errors.filter((e) => !/Permissions policy violation: microphone/.test(e))).toEqual([])
    await page.close()
  })

  it('records while Alt+Space is held (push-to-talk from the keyboard) and shows the level', async () => {
    const { page, plugin } = await stack.open()
    const sessionsBefore = stack.world.transcribe.sessions.length
    await plugin.focus('[data-testid="prompt-text"]')
    await page.keyboard.down('Alt')
    await page.keyboard.down('Space')
    await plugin.waitForSelector('[data-testid="transcript-live"]')
    expect(await plugin.locator('[data-testid="mic-hold"]').getAttribute('aria-pressed')).toBe('true')
    await plugin.waitForFunction(
      () => ((document.querySelector('[data-testid="mic-level"]') as HTMLMeterElement | null)?.value ?? 0) > 0,
    )
    await expect
      .poll(() => stack.world.transcribe.sessions[sessionsBefore]?.audio.durationMs ?? 0, { timeout: 10_000 })
      .toBeGreaterThan(2400)
    await shot(page, 'voice-push-to-talk')
    await page.keyboard.up('Space')
    await page.keyboard.up('Alt')
    await plugin.waitForSelector('[data-testid="transcript-text"]', { timeout: 10_000 })
    expect(await plugin.inputValue('[data-testid="transcript-text"]')).toBe(SPOKEN)
    // The typed prompt kept its (empty) value: the shortcut did not type a space into it.
    expect(await plugin.inputValue('[data-testid="prompt-text"]')).toBe('')
    await page.close()
  })
})
