import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AWS_ERRORS, reply } from '../../dev/simulators/bedrock.ts'
import { DEMO_STORY_IDS, DEMO_UIDS } from '../../dev/simulators/storyblok.ts'
import { browserAvailable, collectConsoleErrors, shot } from './support/browser.ts'
import { startStack, type Stack } from './support/stack.ts'

const run = browserAvailable()

describe.runIf(run)('plugin states in the editor emulator', () => {
  let stack: Stack
  beforeAll(async () => {
    stack = await startStack()
  })
  afterAll(async () => {
    await stack?.close()
  })

  it('shows the setup screen, naming each missing or broken option, instead of a blank frame', async () => {
    const { page, plugin } = await stack.open({
      options: JSON.stringify({ proxyUrl: '', proxyKey: '', quickActions: '[{"label": "Shorten",' }),
    })
    await plugin.waitForSelector('[data-testid="setup-screen"]')
    const problems = await plugin.locator('[data-testid="setup-screen"] li').allTextContents()
    expect(problems).toHaveLength(3)
    expect(problems[0]).toMatch(/^proxyUrl is missing/)
    expect(problems[1]).toMatch(/^proxyKey is missing/)
    expect(problems[2]).toMatch(/^quickActions is not valid JSON/)
    expect(await plugin.locator('[data-testid="prompt-text"]').count()).toBe(0)
    await page.waitForFunction(() => (document.querySelector('iframe')?.getBoundingClientRect().height ?? 0) > 80)
    await shot(page, 'setup-screen')
    await page.close()
  })

  it('speaks German when the editor’s interface language is German', async () => {
    const { page, plugin } = await stack.open({ lang: 'de' })
    const errors = collectConsoleErrors(page)
    await plugin.waitForSelector('[data-testid="prompt-send"]')
    expect(await plugin.locator('[data-testid="prompt-send"]').textContent()).toBe('Senden')
    expect(await plugin.locator('label[for="va-prompt-text"]').textContent()).toBe('Ihre Anfrage')
    expect(await plugin.locator('.va-root').getAttribute('lang')).toBe('de')
    expect(await plugin.locator('[data-testid="quick-actions"] button').allTextContents()).toEqual([
      'Kürzen',
      'Freundlicher',
      'Ins Deutsche übersetzen',
      'SEO-Beschreibung schreiben',
    ])
    stack.world.bedrock.script(
      reply.toolUse(
        'propose_changes',
        { changes: [], question: 'Welche Überschrift meinen Sie?' },
        { preface: 'Gern.' },
      ),
    )
    await plugin.fill('[data-testid="prompt-text"]', 'Kürze die Überschrift')
    await plugin.press('[data-testid="prompt-text"]', 'Enter')
    await plugin.waitForSelector('[data-testid="question"]')
    expect(await plugin.locator('[data-testid="question"]').textContent()).toContain('Der Assistent fragt:')
    expect(await plugin.locator('.va-msg--user .va-msg__who').textContent()).toBe('Sie')
    await shot(page, 'german-ui')
    expect(errors).toEqual([])
    await page.close()
  })

  it('streams the answer into a live region and Cancel stops the request upstream', async () => {
    // The answer stalls after a few words and never ends on its own: no race with the end of the stream.
    stack.world.bedrock.script({
      type: 'content',
      blocks: [{ text: 'Let me think about the hero section of this page for a moment' }],
      tokenDelayMs: 30,
      fault: { kind: 'hang', afterEvents: 6 },
    })
    const { page, plugin } = await stack.open({ story: String(DEMO_STORY_IDS.home) })
    await plugin.fill('[data-testid="prompt-text"]', 'Rewrite the hero')
    await plugin.click('[data-testid="prompt-send"]')
    await plugin.waitForFunction(() =>
      (document.querySelector('[data-testid="streaming"]')?.textContent ?? '').includes('think about'),
    )
    expect(await plugin.locator('[data-testid="streaming"]').getAttribute('aria-live')).toBe('polite')
    expect(await plugin.locator('[data-testid="prompt-send"]').isDisabled()).toBe(true)
    await shot(page, 'streaming-text')
    const request = stack.world.bedrock.requests.at(-1)!
    await plugin.click('[data-testid="cancel"]')
    await plugin.waitForSelector('[data-testid="streaming"]', { state: 'detached' })
    await stack.world.bedrock.waitFor(() => request.aborted, 5_000)
    expect(await plugin.locator('.va-msg--assistant').last().textContent()).toContain('think about')
    await shot(page, 'streaming-cancelled')
    // The next turn carries the thread so far: the prompt, the partial answer, the follow-up.
    stack.world.bedrock.script(reply.text('Sure.'))
    await plugin.fill('[data-testid="prompt-text"]', 'Shorter, please')
    await plugin.click('[data-testid="prompt-send"]')
    await plugin.waitForFunction(
      () => document.querySelectorAll('.va-msg--assistant:not(.va-msg--streaming)').length === 2,
    )
    const roles = stack.world.bedrock.requests.at(-1)?.body?.messages?.map((m: { role: string }) => m.role)
    expect(roles).toEqual(['user', 'assistant', 'user'])
    await page.close()
  })

  it('shows an upstream error with its hint, and Retry sends the same conversation again', async () => {
    stack.world.bedrock.script(
      reply.error(AWS_ERRORS.throttling),
      reply.error(AWS_ERRORS.throttling),
      reply.text('Second time lucky.'),
    )
    const { page, plugin } = await stack.open()
    await plugin.fill('[data-testid="prompt-text"]', 'Say something')
    await plugin.click('[data-testid="prompt-send"]')
    await plugin.waitForSelector('[data-testid="error"]')
    expect(await plugin.locator('[data-testid="error"]').getAttribute('data-code')).toBe('bedrock_throttled')
    expect(await plugin.locator('[data-testid="error-hint"]').textContent()).not.toBe('')
    await shot(page, 'error-with-hint')
    await plugin.click('[data-testid="retry"]')
    await plugin.waitForSelector('[data-testid="error"]', { state: 'detached' })
    await plugin.waitForFunction(() =>
      document.querySelector('.va-msg--assistant')?.textContent?.includes('Second time lucky.'),
    )
    expect(await plugin.locator('.va-msg--user').count()).toBe(1)
    await page.close()
  })

  it('does not hang when the editor never answers the draft request (the library has no timeout)', async () => {
    stack.world.bedrock.script(
      reply.toolUse('propose_changes', { changes: [{ blockUid: DEMO_UIDS.hero, field: 'headline', value: 'Short' }] }),
    )
    const { page, plugin } = await stack.open({ story: String(DEMO_STORY_IDS.home), drop: 'get-context' })
    await plugin.fill('[data-testid="prompt-text"]', 'Shorten the hero headline')
    await plugin.click('[data-testid="prompt-send"]')
    await plugin.waitForSelector('[data-testid="change"]')
    await plugin.waitForSelector('[data-testid="streaming"]', { state: 'detached' })
    const puts = stack.world.storyblok.requestsTo('PUT').length
    await plugin.click('[data-testid="apply"]')
    expect(await plugin.locator('[data-testid="apply"]').textContent()).toContain('Checking')
    // Not a dead end (issue 13): the editor is told the unsaved-edit check could not run and may apply without it.
    await plugin.waitForSelector('[data-testid="draft-unavailable"]', { timeout: 15_000 })
    expect(await plugin.locator('[data-testid="apply-unchecked"]').isVisible()).toBe(true)
    expect(stack.world.storyblok.requestsTo('PUT')).toHaveLength(puts)
    await shot(page, 'editor-no-answer-timeout')
    await page.close()
  }, 30_000)
})
