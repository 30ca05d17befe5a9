import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Frame } from 'playwright-core'
import { AWS_ERRORS, reply } from '../../dev/simulators/bedrock.ts'
import { messagesFor } from '../../plugin/src/i18n.ts'
import { DEMO_STORY_IDS } from '../../dev/simulators/storyblok.ts'
import { browserAvailable, collectConsoleErrors, shot } from './support/browser.ts'
import { startStack, type Stack } from './support/stack.ts'

const run = browserAvailable()

type SentMessage = { role: string; content: Array<{ text?: string }> }
const sentMessages = (stack: Stack): SentMessage[] => stack.world.bedrock.requests.at(-1)?.body?.messages ?? []
const answers = (plugin: Frame) => plugin.locator('.va-msg--assistant:not(.va-msg--streaming)').count()

async function ask(plugin: Frame, text: string) {
  await plugin.fill('[data-testid="prompt-text"]', text)
  await plugin.press('[data-testid="prompt-text"]', 'Enter')
}

describe.runIf(run)('the conversation never dead-ends', () => {
  let stack: Stack
  beforeAll(async () => {
    stack = await startStack()
  })
  afterAll(async () => {
    await stack?.close()
  })

  it('a broken stream keeps what arrived, marked as cut off, says nothing was written, and Try again works', async () => {
    stack.world.bedrock.script({
      type: 'content',
      blocks: [{ text: 'Here is a first idea for the hero and then the connection is lost somewhere' }],
      tokenDelayMs: 20,
      fault: { kind: 'drop', afterEvents: 8 },
    })
    const { page, plugin } = await stack.open()
    await ask(plugin, 'Ideas for the hero')
    await plugin.waitForSelector('[data-testid="error"]', { timeout: 10_000 })
    expect(await plugin.locator('.va-msg--assistant').last().textContent()).toContain('Here is a first idea')
    expect(await plugin.locator('[data-testid="cut-off"]').textContent()).toContain('Cut off')
    expect(await plugin.locator('[data-testid="error-what"]').textContent()).toContain(
      'Nothing was changed in the story.',
    )
    // Operator detail sits behind a disclosure, closed by default.
    expect(await plugin.locator('[data-testid="error-details"]').getAttribute('open')).toBeNull()
    expect(await plugin.locator('[data-testid="retry"]').isVisible()).toBe(true)
    await shot(page, 'dead-end-broken-stream')
    stack.world.bedrock.script(reply.text('A complete answer.'))
    await plugin.click('[data-testid="retry"]')
    await plugin.waitForFunction(() =>
      document.querySelector('.va-msg--assistant:last-of-type')?.textContent?.includes('A complete answer.'),
    )
    expect(await plugin.locator('[data-testid="cut-off"]').count()).toBe(0)
    expect(sentMessages(stack).map((m) => m.role)).toEqual(['user'])
    await page.close()
  })

  it('a request that cannot succeed again offers no Try again, but Edit request (nothing is resent)', async () => {
    stack.world.bedrock.script(reply.error(AWS_ERRORS.accessDeniedModel))
    const { page, plugin } = await stack.open()
    await ask(plugin, 'Shorten the hero')
    await plugin.waitForSelector('[data-testid="error"]')
    expect(await plugin.locator('[data-testid="error-what"]').textContent()).toContain('not set up correctly')
    // The editor text speaks to editors; AWS names are only in the details.
    expect(await plugin.locator('[data-testid="error-what"]').textContent()).not.toMatch(/AWS|IAM|Bedrock|CORS/)
    expect(await plugin.locator('[data-testid="error-details"]').textContent()).toContain('bedrock_model_not_enabled')
    expect(await plugin.locator('[data-testid="retry"]').count()).toBe(0)
    await plugin.click('[data-testid="error-details"] summary')
    await shot(page, 'dead-end-not-retryable')
    const requests = stack.world.bedrock.requests.length
    await plugin.click('[data-testid="edit-request"]')
    expect(await plugin.inputValue('[data-testid="prompt-text"]')).toBe('Shorten the hero')
    expect(await plugin.locator('.va-msg--user').count()).toBe(0)
    expect(stack.world.bedrock.requests.length).toBe(requests)
    await page.close()
  })

  it('a long prompt shows a counter near the limit, cannot be sent over it, and the next turns keep working', async () => {
    const { page, plugin } = await stack.open()
    await plugin.fill('[data-testid="prompt-text"]', 'x'.repeat(7_000))
    expect(await plugin.locator('[data-testid="char-count"]').textContent()).toContain('7,000 / 8,000')
    await plugin.fill('[data-testid="prompt-text"]', 'x'.repeat(8_100))
    expect(await plugin.locator('[data-testid="char-count"]').textContent()).toContain('100 characters too long')
    expect(await plugin.locator('[data-testid="prompt-send"]').isDisabled()).toBe(true)
    await shot(page, 'dead-end-long-prompt')
    stack.world.bedrock.script(reply.text('Read it all.'), reply.text('And the next one.'))
    await plugin.fill('[data-testid="prompt-text"]', `Summarise: ${'y'.repeat(7_980)}`)
    await plugin.click('[data-testid="prompt-send"]')
    await expect.poll(() => answers(plugin)).toBe(1)
    await ask(plugin, 'Shorter')
    await expect.poll(() => answers(plugin)).toBe(2)
    expect(await plugin.locator('[data-testid="error"]').count()).toBe(0)
    await page.close()
  })

  it('a 25-turn thread keeps working: older turns are left out on the proxy and the editor is told', async () => {
    const { page, plugin } = await stack.open()
    const errors = collectConsoleErrors(page)
    for (let turn = 1; turn <= 25; turn++) {
      stack.world.bedrock.script(reply.text(`Answer ${turn}.`))
      await ask(plugin, `Question ${turn}`)
      await expect.poll(() => answers(plugin), { timeout: 10_000 }).toBe(turn)
    }
    expect(await plugin.locator('[data-testid="error"]').count()).toBe(0)
    expect(await plugin.locator('.va-msg--assistant').last().textContent()).toContain('Answer 25.')
    const sent = sentMessages(stack)
    expect(sent.length).toBeLessThanOrEqual(40)
    expect(sent[0]!.role).toBe('user')
    expect(
      sent
        .at(-1)!
        .content.map((c) => c.text ?? '')
        .join(''),
    ).toContain('Question 25')
    expect(await plugin.locator('[data-testid="notice"][data-code="thread_trimmed"]').textContent()).toContain(
      'left out so it can go on',
    )
    await shot(page, 'dead-end-25-turns')
    // "New conversation" starts over with an empty thread.
    await plugin.click('[data-testid="new-conversation"]')
    expect(await plugin.locator('.va-msg').count()).toBe(0)
    stack.world.bedrock.script(reply.text('Fresh start.'))
    await ask(plugin, 'Hello again')
    await expect.poll(() => answers(plugin)).toBe(1)
    expect(sentMessages(stack).map((m) => m.role)).toEqual(['user'])
    expect(errors).toEqual([])
    await page.close()
  }, 120_000)

  it('Esc stops an answer being written', async () => {
    stack.world.bedrock.script({
      type: 'content',
      blocks: [{ text: 'Let me think about the hero section of this page for a moment' }],
      tokenDelayMs: 30,
      fault: { kind: 'hang', afterEvents: 6 },
    })
    const { page, plugin } = await stack.open({ story: String(DEMO_STORY_IDS.home) })
    await ask(plugin, 'Rewrite the hero')
    await plugin.waitForFunction(() =>
      (document.querySelector('[data-testid="streaming"]')?.textContent ?? '').includes('think about'),
    )
    const request = stack.world.bedrock.requests.at(-1)!
    await page.keyboard.press('Escape')
    await plugin.waitForSelector('[data-testid="streaming"]', { state: 'detached' })
    await stack.world.bedrock.waitFor(() => request.aborted, 5_000)
    await page.close()
  })

  it('German UI: no English string of the catalog shows in any state, errors included', async () => {
    const english = Object.values(messagesFor('en'))
      .flatMap((v) =>
        typeof v === 'string'
          ? [v]
          : typeof v === 'object' && !Array.isArray(v)
            ? Object.values(v).flatMap((e) => Object.values(e as object))
            : [],
      )
      .filter((s): s is string => typeof s === 'string' && s.length > 8)
    const shown = (plugin: Frame) => plugin.evaluate(() => document.body.innerText)
    const untranslated = (text: string) => english.filter((s) => text.includes(s))
    stack.world.bedrock.script(
      reply.text('Gern, hier ist eine Idee.'),
      reply.error(AWS_ERRORS.throttling),
      reply.error(AWS_ERRORS.throttling),
    )
    const { page, plugin } = await stack.open({ lang: 'de' })
    expect(untranslated(await shown(plugin))).toEqual([])
    await plugin.fill('[data-testid="prompt-text"]', 'x'.repeat(7_000))
    expect(untranslated(await shown(plugin))).toEqual([])
    await ask(plugin, 'Eine Idee für die Überschrift')
    await expect.poll(() => answers(plugin)).toBe(1)
    await ask(plugin, 'Kürzer')
    await plugin.waitForSelector('[data-testid="error"]')
    await plugin.click('[data-testid="error-details"] summary')
    const text = await shown(plugin)
    expect(text).toContain('In der Story wurde nichts geändert.')
    // The details carry the proxy's own (operator) words; everything else is German.
    const details = await plugin.locator('[data-testid="error-details"] p').allInnerTexts()
    expect(untranslated(details.reduce((t, d) => t.replace(d, ''), text))).toEqual([])
    await shot(page, 'german-error')
    await page.close()
  })
})
