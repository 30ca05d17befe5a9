import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Frame } from 'playwright-core'
import { reply } from '../../dev/simulators/bedrock.ts'
import { browserAvailable, collectConsoleErrors, shot } from './support/browser.ts'
import { startStack, type Stack } from './support/stack.ts'

const run = browserAvailable()
const SPOKEN = 'Write a short headline about our autumn sale'

/** The text of the last user turn Claude received. */
function lastUserText(stack: Stack): string {
  const messages: Array<{ role: string; content: Array<{ text?: string }> }> =
    stack.world.bedrock.requests.at(-1)?.body?.messages ?? []
  const last = messages.filter((m) => m.role === 'user').at(-1)
  return last?.content.map((c) => c.text ?? '').join('') ?? ''
}

/** Waits until the simulator has received the whole WAV (the fake microphone plays it once). */
async function heardEverything(stack: Stack, session: number) {
  await expect
    .poll(() => stack.world.transcribe.sessions[session]?.audio.durationMs ?? 0, { timeout: 10_000 })
    .toBeGreaterThan(2400)
}

const promptValue = (plugin: Frame) => plugin.inputValue('[data-testid="prompt-text"]')

describe.runIf(run)('voice input in the one request box', () => {
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

  it('press and hold records into the request box, and releasing sends it after a visible countdown', async () => {
    stack.world.bedrock.script(reply.text('Here is a headline.'))
    const { page, plugin } = await stack.open()
    const errors = collectConsoleErrors(page)
    const session = stack.world.transcribe.sessions.length
    const requests = stack.world.bedrock.requests.length
    await plugin.hover('[data-testid="mic-hold"]')
    await page.mouse.down()
    await plugin.waitForFunction(() =>
      /\b(Write|a|short)\b/.test((document.querySelector('[data-testid="prompt-text"]') as HTMLTextAreaElement).value),
    )
    // One box: the partials fill the request box itself; there is no second box or second Send.
    expect(await plugin.locator('textarea').count()).toBe(1)
    expect(await plugin.locator('[data-testid="prompt-send"]').count()).toBe(1)
    expect(await plugin.locator('[data-testid="voice-status"]').getAttribute('aria-live')).toBe('polite')
    await heardEverything(stack, session)
    await shot(page, 'voice-hold-recording')
    await page.mouse.up()
    await plugin.waitForSelector('[data-testid="countdown"]', { timeout: 10_000 })
    expect(await plugin.locator('[data-testid="countdown-text"]').textContent()).toMatch(/Sending in \d s/)
    expect(await promptValue(plugin)).toBe(SPOKEN)
    await shot(page, 'voice-release-countdown')
    await plugin.waitForSelector('[data-testid="countdown"]', { state: 'detached', timeout: 10_000 })
    await stack.world.bedrock.waitFor(() => stack.world.bedrock.requests.length > requests, 5_000)
    expect(lastUserText(stack)).toContain(SPOKEN)
    await plugin.waitForFunction(() => document.querySelector('.va-msg--user')?.textContent?.includes('autumn sale'))
    expect(await promptValue(plugin)).toBe('')
    expect(errors).toEqual([])
    await page.close()
  })

  it('a click on "Hold to talk" explains itself instead of doing nothing', async () => {
    const { page, plugin } = await stack.open()
    await plugin.click('[data-testid="mic-hold"]')
    await plugin.waitForSelector('[data-testid="composer-hint"]')
    expect(await plugin.locator('[data-testid="composer-hint"]').textContent()).toContain(
      'Hold the button while you speak, or click Hands-free',
    )
    expect(await plugin.locator('[data-testid="mic-hold"]').getAttribute('aria-pressed')).toBe('false')
    await shot(page, 'voice-click-on-hold')
    await page.close()
  })

  it('hands-free ends on silence and sends the same way; "keep editing" stops the countdown', async () => {
    stack.world.bedrock.script(reply.text('Done.'))
    const { page, plugin } = await stack.open()
    const requests = stack.world.bedrock.requests.length
    await plugin.fill('[data-testid="prompt-text"]', 'Please:')
    await plugin.click('[data-testid="mic-toggle"]')
    // Speech continues what was typed.
    await plugin.waitForSelector('[data-testid="countdown"]', { timeout: 15_000 })
    expect(await promptValue(plugin)).toBe(`Please: ${SPOKEN}`)
    await plugin.click('[data-testid="keep-editing"]')
    expect(await plugin.locator('[data-testid="countdown"]').count()).toBe(0)
    expect(await plugin.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('prompt-text')
    expect(stack.world.bedrock.requests.length).toBe(requests)
    await plugin.fill('[data-testid="prompt-text"]', 'Please write a short headline')
    await shot(page, 'voice-keep-editing')
    // The next hands-free utterance is sent once its countdown runs out.
    await plugin.fill('[data-testid="prompt-text"]', '')
    await plugin.click('[data-testid="mic-toggle"]')
    await plugin.waitForSelector('[data-testid="countdown"]', { timeout: 15_000 })
    await plugin.waitForSelector('[data-testid="countdown"]', { state: 'detached', timeout: 10_000 })
    await stack.world.bedrock.waitFor(() => stack.world.bedrock.requests.length > requests, 5_000)
    expect(lastUserText(stack)).toContain(SPOKEN)
    await page.close()
  })

  it('falls back to the recorder window, says to continue there, and hands its transcript to the request box', async () => {
    const { page, plugin } = await stack.open({ mic: '0' })
    const errors = collectConsoleErrors(page)
    expect(await page.locator('iframe').getAttribute('allow')).toBeNull()
    const sessionsBefore = stack.world.transcribe.sessions.length
    const [popup] = await Promise.all([page.waitForEvent('popup'), plugin.click('[data-testid="mic-toggle"]')])
    await popup.waitForLoadState()
    expect(new URL(popup.url()).origin).toBe(new URL(stack.proxyUrl).origin)
    // Nothing records yet: the plugin points to the window instead of claiming to listen.
    expect(await plugin.locator('[data-testid="voice-status"]').textContent()).toContain(
      'Continue in the recorder window',
    )
    expect(await plugin.locator('[data-testid="show-recorder"]').isVisible()).toBe(true)
    await shot(page, 'voice-recorder-continue')
    await popup.click('#record')
    await plugin.waitForFunction(() =>
      document.querySelector('[data-testid="voice-status"]')?.textContent?.includes('Recording in the recorder window'),
    )
    await heardEverything(stack, sessionsBefore)
    await shot(page, 'voice-fallback-recorder-listening')
    await popup.click('#stop')
    await plugin.waitForSelector('[data-testid="countdown"]', { timeout: 10_000 })
    expect(await promptValue(plugin)).toBe(SPOKEN)
    await plugin.click('[data-testid="keep-editing"]')
    await shot(page, 'voice-fallback-transcript')
    expect(errors.filter((e) => !/Permissions policy violation: microphone/.test(e))).toEqual([])
    await page.close()
  })

  it('records while Alt+K is held (push-to-talk from the keyboard) and shows the level', async () => {
    const { page, plugin } = await stack.open()
    const sessionsBefore = stack.world.transcribe.sessions.length
    await plugin.focus('[data-testid="prompt-text"]')
    await page.keyboard.down('Alt')
    await page.keyboard.down('KeyK')
    await plugin.waitForFunction(
      () => document.querySelector('[data-testid="mic-hold"]')?.getAttribute('aria-pressed') === 'true',
    )
    await plugin.waitForFunction(
      () => ((document.querySelector('[data-testid="mic-level"]') as HTMLMeterElement | null)?.value ?? 0) > 0,
    )
    await heardEverything(stack, sessionsBefore)
    await shot(page, 'voice-push-to-talk')
    await page.keyboard.up('KeyK')
    await page.keyboard.up('Alt')
    await plugin.waitForSelector('[data-testid="countdown"]', { timeout: 10_000 })
    // The box holds exactly the words: the shortcut typed nothing into it.
    expect(await promptValue(plugin)).toBe(SPOKEN)
    await plugin.click('[data-testid="keep-editing"]')
    await page.close()
  })
})
