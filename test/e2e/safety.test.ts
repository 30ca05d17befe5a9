import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Frame } from 'playwright-core'
import { reply } from '../../dev/simulators/bedrock.ts'
import { DEMO_SPACE_ID, DEMO_STORY_IDS, DEMO_UIDS, findBlock } from '../../dev/simulators/storyblok.ts'
import { browserAvailable, shot } from './support/browser.ts'
import { startStack, type Stack } from './support/stack.ts'

const run = browserAvailable()
const HERO = 'Content that moves at the speed of your team'
const proposal = () =>
  reply.toolUse(
    'propose_changes',
    {
      changes: [
        { blockUid: DEMO_UIDS.hero, field: 'headline', value: 'Faster content' },
        { blockUid: DEMO_UIDS.intro, field: 'headline', value: 'Why go headless' },
      ],
    },
    { preface: 'Two shorter headlines.' },
  )

/** The last user message Claude received, as plain text. */
function lastUserText(stack: Stack): string {
  const messages: Array<{ role: string; content: Array<{ text?: string }> }> =
    stack.world.bedrock.requests.at(-1)?.body?.messages ?? []
  return (
    messages
      .filter((m) => m.role === 'user')
      .at(-1)
      ?.content.map((c) => c.text ?? '')
      .join('') ?? ''
  )
}

/** Waits for whatever an apply ends in, so a wrong outcome fails at once instead of timing out. */
async function applyOutcome(plugin: Frame): Promise<string | null> {
  await plugin.click('[data-testid="apply"]')
  const el = await plugin.waitForSelector(
    '[data-testid="applied"], [data-testid="unsaved"], [data-testid="conflict"], [data-testid="error"]',
  )
  return el.getAttribute('data-testid')
}

async function propose(plugin: Frame, prompt = 'Shorten the headlines') {
  await plugin.fill('[data-testid="prompt-text"]', prompt)
  await plugin.click('[data-testid="prompt-send"]')
  await plugin.waitForSelector('[data-testid="streaming"]', { state: 'detached' })
  await plugin.waitForSelector('[data-testid="change"]')
}

describe.runIf(run)('writing safely from the plugin', () => {
  let stack: Stack
  const home = () => stack.world.storyblok.getStory(DEMO_SPACE_ID, DEMO_STORY_IDS.home)!
  beforeAll(async () => {
    stack = await startStack()
  })
  afterAll(async () => {
    await stack?.close()
  })

  it('refuses to apply over unsaved edits in the targeted fields and names them', async () => {
    stack.world.bedrock.script(proposal())
    const { page, plugin } = await stack.open({ story: String(DEMO_STORY_IDS.home) })
    await propose(plugin)
    await page.selectOption('[data-testid="edit-target"]', `${DEMO_UIDS.hero}|headline`)
    await page.fill('[data-testid="edit-value"]', 'My unsaved headline')
    await page.click('[data-testid="edit-apply"]')
    const putsBefore = stack.world.storyblok.requestsTo('PUT').length
    expect(await applyOutcome(plugin)).toBe('unsaved')
    const text = await plugin.locator('[data-testid="unsaved"]').textContent()
    expect(text).toContain('save the story first')
    expect(text).toMatch(/Hero.*Headline/)
    expect(text).not.toMatch(/Text section/)
    expect(stack.world.storyblok.requestsTo('PUT')).toHaveLength(putsBefore)
    expect(findBlock(home().content, DEMO_UIDS.hero)?.['headline']).toBe(HERO)
    await shot(page, 'unsaved-edits-warning')
    await page.close()
  })

  it('shows a conflict field by field when the story changed meanwhile, and writes nothing', async () => {
    stack.world.bedrock.script(proposal())
    const { page, plugin } = await stack.open({ story: String(DEMO_STORY_IDS.home) })
    await propose(plugin)
    stack.world.storyblok.editField(
      DEMO_SPACE_ID,
      DEMO_STORY_IDS.home,
      DEMO_UIDS.hero,
      'headline',
      'A colleague’s headline',
    )
    expect(await applyOutcome(plugin)).toBe('conflict')
    const items = await plugin.locator('[data-testid="conflict-item"]').allTextContents()
    expect(items).toHaveLength(1)
    expect(items[0]).toMatch(/Hero.*Headline/)
    expect(items[0]).toContain(`expected: “${HERO}”`)
    expect(items[0]).toContain('now: “A colleague’s headline”')
    const saved = home().content
    expect(findBlock(saved, DEMO_UIDS.hero)?.['headline']).toBe('A colleague’s headline')
    expect(findBlock(saved, DEMO_UIDS.intro)?.['headline']).toBe('Why teams switch to a headless CMS')
    await shot(page, 'conflict')
    await page.close()
  })

  it('runs a quick action like a spoken prompt, with the style guide named, and produces a proposal', async () => {
    const quickActions = JSON.stringify([
      { label: 'Punchier hero', instruction: 'Make the hero headline punchier.', fieldType: 'text' },
    ])
    stack.world.bedrock.script(
      reply.toolUse(
        'propose_changes',
        { changes: [{ blockUid: DEMO_UIDS.hero, field: 'headline', value: 'Ship content faster' }] },
        { preface: 'Punchier:' },
      ),
    )
    const { page, plugin } = await stack.open({
      story: String(DEMO_STORY_IDS.home),
      options: JSON.stringify({ quickActions, styleGuideStory: 'settings/brand-voice' }),
    })
    const bodies: unknown[] = []
    page.on('request', (r) => {
      if (r.url().endsWith('/api/conversation')) bodies.push(r.postDataJSON())
    })
    expect(await plugin.locator('[data-testid="style-guide"]').textContent()).toContain('settings/brand-voice')
    expect(await plugin.locator('[data-testid="style-guide"] a').getAttribute('href')).toMatch(
      /^https:\/\/app\.storyblok\.com\//,
    )
    const chips = await plugin.locator('[data-testid="quick-actions"] button').allTextContents()
    expect(chips).toEqual(['Punchier hero'])
    await plugin.click('text=Punchier hero')
    await plugin.waitForSelector('[data-testid="change"]')
    expect(lastUserText(stack)).toContain('Make the hero headline punchier.\n(target field type: text)')
    expect(bodies.at(-1)).toMatchObject({
      styleGuideStory: 'settings/brand-voice',
      focus: { blockUid: DEMO_UIDS.homeRoot },
    })
    expect(await plugin.locator('[data-testid="change-after"]').first().textContent()).toBe('Ship content faster')
    await shot(page, 'quick-action-proposal')
    await page.close()
  })

  it('renders richtext readably, shows an invalid change with its reason and never applies it', async () => {
    const richtext = {
      blockUid: DEMO_UIDS.intro,
      field: 'text',
      value: 'One source, **many** [channels](https://example.com/channels).\n\n- Faster launches\n- Fewer errors',
    }
    const invalid = { blockUid: DEMO_UIDS.hero, field: 'text_color', value: 'purple' }
    // The repair round gets the same invalid value back, so it stays invalid.
    stack.world.bedrock.script(
      reply.toolUse('propose_changes', { changes: [richtext, invalid] }, { preface: 'Updated the article body.' }),
      reply.toolUse('propose_changes', { changes: [invalid] }),
    )
    const { page, plugin } = await stack.open({ story: String(DEMO_STORY_IDS.home) })
    await propose(plugin, 'Rewrite the intro text and make the hero purple')
    await plugin.waitForFunction(() => document.querySelectorAll('[data-testid="change"]').length === 2)
    const body = plugin.locator('[data-testid="change"]').first()
    expect(await body.locator('[data-testid="change-before"]').textContent()).toBe(
      'A headless CMS separates content from presentation, so one story can feed a website, an app and a kiosk.\nOur visual editor shows every change in context before it goes live.',
    )
    expect(await body.locator('[data-testid="change-after"]').textContent()).toBe(
      'One source, many channels.\n• Faster launches\n• Fewer errors',
    )
    // The readable text shows only the link text; where the link points is listed beside it.
    expect(await body.locator('[data-testid="change-links"]').textContent()).toBe(
      'Links to: https://example.com/channels',
    )
    const bad = plugin
      .locator('[data-testid="change"]')
      .filter({ has: plugin.locator('[data-testid="change-invalid"]') })
    expect(await bad.count()).toBe(1)
    expect(await bad.locator('[data-testid="change-select"]').isDisabled()).toBe(true)
    expect(await bad.locator('[data-testid="change-invalid"]').textContent()).toMatch(
      /^Cannot be applied: .*must be one of/,
    )
    expect(await plugin.locator('[data-testid="selected-count"]').textContent()).toBe('1 of 2 selected')
    await shot(page, 'richtext-and-invalid-change')
    await plugin.click('[data-testid="apply"]')
    await plugin.waitForSelector('[data-testid="applied"]')
    expect(JSON.stringify(findBlock(home().content, DEMO_UIDS.intro)?.['text'])).toContain('Fewer errors')
    expect(findBlock(home().content, DEMO_UIDS.hero)?.['text_color']).not.toBe('purple')
    await page.close()
  })

  it('undo leaves a field a colleague changed after the apply alone, and says so', async () => {
    stack.world.bedrock.script(proposal())
    const { page, plugin } = await stack.open({ story: String(DEMO_STORY_IDS.home) })
    await propose(plugin)
    const introBefore = findBlock(home().content, DEMO_UIDS.intro)?.['headline']
    await plugin.click('[data-testid="apply"]')
    await plugin.waitForSelector('[data-testid="applied"]')
    stack.world.storyblok.editField(
      DEMO_SPACE_ID,
      DEMO_STORY_IDS.home,
      DEMO_UIDS.hero,
      'headline',
      'Edited after the apply',
    )
    await plugin.click('[data-testid="undo"]')
    await plugin.waitForSelector('[data-testid="undone"]')
    const kept = await plugin.locator('[data-testid="undo-kept-item"]').allTextContents()
    expect(kept).toHaveLength(1)
    expect(kept[0]).toMatch(/Hero.*Headline.*Edited after the apply/)
    expect(findBlock(home().content, DEMO_UIDS.hero)?.['headline']).toBe('Edited after the apply')
    expect(findBlock(home().content, DEMO_UIDS.intro)?.['headline']).toBe(introBefore)
    await shot(page, 'undo-keeps-human-edit')
    await page.close()
  })

  it('can be used with the keyboard alone, with a visible focus', async () => {
    stack.world.bedrock.script(proposal())
    const { page, plugin } = await stack.open({ story: String(DEMO_STORY_IDS.home) })
    const active = () =>
      plugin.evaluate(
        () => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName ?? '',
      )
    // Tab from the editor page into the plugin until the prompt has focus.
    let tabs = 0
    while ((await active()) !== 'prompt-text' && tabs++ < 40) await page.keyboard.press('Tab')
    expect(await active()).toBe('prompt-text')
    await page.keyboard.type('Shorten the headlines')
    await page.keyboard.press('Enter')
    await plugin.waitForSelector('[data-testid="streaming"]', { state: 'detached' })
    await plugin.waitForSelector('[data-testid="change"]')
    // Tab to the second change's checkbox and turn it off with Space.
    tabs = 0
    const second = plugin.locator('[data-testid="change-select"]').nth(1)
    while (!(await second.evaluate((el) => el === document.activeElement)) && tabs++ < 40)
      await page.keyboard.press('Tab')
    const outline = await second.evaluate((el) => getComputedStyle(el).outlineStyle)
    expect(outline).toBe('solid')
    await page.keyboard.press('Space')
    expect(await second.isChecked()).toBe(false)
    tabs = 0
    while ((await active()) !== 'apply' && tabs++ < 40) await page.keyboard.press('Tab')
    await shot(page, 'keyboard-focus-apply')
    await page.keyboard.press('Enter')
    await plugin.waitForSelector('[data-testid="applied"]')
    expect(findBlock(home().content, DEMO_UIDS.hero)?.['headline']).toBe('Faster content')
    expect(findBlock(home().content, DEMO_UIDS.intro)?.['headline']).toBe('Why teams switch to a headless CMS')
    await page.close()
  })
})
