import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Frame } from 'playwright-core'
import { reply } from '../../dev/simulators/bedrock.ts'
import { DEMO_SPACE_ID, DEMO_STORY_IDS, DEMO_UIDS, findBlock } from '../../dev/simulators/storyblok.ts'
import { browserAvailable, collectConsoleErrors, FIXTURES, shot } from './support/browser.ts'
import { startStack, type Stack } from './support/stack.ts'

const run = browserAvailable()
const wav = (name: string) => join(FIXTURES, name)

/** Three changes; `tag` keeps each test's values distinct from what earlier tests wrote. */
const proposal = (tag: string) =>
  reply.toolUse(
    'propose_changes',
    {
      changes: [
        { blockUid: DEMO_UIDS.hero, field: 'headline', value: `Hero ${tag}` },
        { blockUid: DEMO_UIDS.intro, field: 'headline', value: `Intro ${tag}` },
        { blockUid: DEMO_UIDS.intro, field: 'lead', value: `Lead ${tag}` },
      ],
    },
    { preface: 'Three suggestions.' },
  )

async function propose(stack: Stack, plugin: Frame, tag: string) {
  stack.world.bedrock.script(proposal(tag))
  await plugin.fill('[data-testid="prompt-text"]', 'Rewrite the hero and the intro')
  await plugin.click('[data-testid="prompt-send"]')
  await plugin.waitForSelector('[data-testid="streaming"]', { state: 'detached' })
  await plugin.waitForFunction(() => document.querySelectorAll('[data-testid="change"]').length === 3)
}

/** Hands-free: the fake microphone plays the file once, silence ends the utterance. */
async function speak(stack: Stack, plugin: Frame, words: string) {
  stack.world.transcribe.setDefault({ phrase: words, minVoicedMs: 200 })
  await plugin.click('[data-testid="mic-toggle"]')
  await plugin.waitForSelector('[data-testid="countdown"]', { timeout: 15_000 })
  return (await plugin.locator('[data-testid="countdown-text"]').textContent()) ?? ''
}

describe.runIf(run)('reviewing a proposal by voice', () => {
  let stack: Stack
  const home = () => stack.world.storyblok.getStory(DEMO_SPACE_ID, DEMO_STORY_IDS.home)!
  const block = (uid: string) => findBlock(home().content, uid)!
  beforeAll(async () => {
    stack = await startStack()
  })
  afterAll(async () => {
    await stack?.close()
  })

  it('spoken "apply all but the second" shows what was understood, then applies exactly those, without Claude', async () => {
    const { page, plugin } = await stack.open(
      { story: String(DEMO_STORY_IDS.home) },
      { wav: wav('apply-all-but-second.en.wav') },
    )
    const errors = collectConsoleErrors(page)
    await propose(stack, plugin, 'A')
    const introHeadline = block(DEMO_UIDS.intro)['headline']
    const claudeCalls = stack.world.bedrock.requests.length
    const said = await speak(stack, plugin, 'Apply all but the second.')
    expect(said).toContain('Understood: apply changes 1 and 3')
    // Nothing is written while the confirmation shows.
    expect(block(DEMO_UIDS.hero)['headline']).not.toBe('Hero A')
    await shot(page, 'review-voice-understood')
    await plugin.waitForSelector('[data-testid="applied"]', { timeout: 15_000 })
    expect(block(DEMO_UIDS.hero)['headline']).toBe('Hero A')
    expect(block(DEMO_UIDS.intro)['headline']).toBe(introHeadline)
    expect(block(DEMO_UIDS.intro)['lead']).toBe('Lead A')
    expect(stack.world.bedrock.requests.length).toBe(claudeCalls)
    // Focus lands on the result, so a screen reader announces it.
    expect(await plugin.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('applied')
    await shot(page, 'review-voice-applied')
    expect(errors).toEqual([])
    await page.close()
  })

  it('spoken "undo" undoes the last apply', async () => {
    const { page, plugin } = await stack.open({ story: String(DEMO_STORY_IDS.home) }, { wav: wav('undo.en.wav') })
    await propose(stack, plugin, 'B')
    const before = structuredClone(home().content)
    await plugin.click('[data-testid="apply"]')
    await plugin.waitForSelector('[data-testid="applied"]')
    expect(block(DEMO_UIDS.hero)['headline']).toBe('Hero B')
    const said = await speak(stack, plugin, 'Undo.')
    expect(said).toContain('Understood: Undo.')
    await plugin.waitForSelector('[data-testid="undone"]', { timeout: 15_000 })
    const { voice_assistant: _h1, ...now } = home().content as Record<string, unknown>
    const { voice_assistant: _h2, ...then } = before as Record<string, unknown>
    expect(now).toEqual(then)
    await shot(page, 'review-voice-undone')
    await page.close()
  })

  it('versteht „Eins und drei übernehmen“ in der deutschen Oberfläche', async () => {
    const { page, plugin } = await stack.open(
      { story: String(DEMO_STORY_IDS.home), lang: 'de' },
      { wav: wav('apply-one-and-three.de.wav') },
    )
    await propose(stack, plugin, 'C')
    const introHeadline = block(DEMO_UIDS.intro)['headline']
    const said = await speak(stack, plugin, 'Eins und drei übernehmen.')
    expect(said).toContain('Verstanden: Änderungen 1 und 3 übernehmen')
    await shot(page, 'review-voice-german')
    await plugin.waitForSelector('[data-testid="applied"]', { timeout: 15_000 })
    expect(block(DEMO_UIDS.hero)['headline']).toBe('Hero C')
    expect(block(DEMO_UIDS.intro)['headline']).toBe(introHeadline)
    expect(block(DEMO_UIDS.intro)['lead']).toBe('Lead C')
    await page.close()
  })

  it('anything else goes to Claude as a refinement of the proposal', async () => {
    const { page, plugin } = await stack.open({ story: String(DEMO_STORY_IDS.home) })
    await propose(stack, plugin, 'D')
    stack.world.bedrock.script(reply.text('Shorter it is.'))
    const claudeCalls = stack.world.bedrock.requests.length
    const said = await speak(stack, plugin, 'Make them shorter')
    expect(said).toMatch(/Sending in \d s/)
    await stack.world.bedrock.waitFor(() => stack.world.bedrock.requests.length > claudeCalls, 10_000)
    const messages: Array<{ role: string; content: Array<{ text?: string }> }> =
      stack.world.bedrock.requests.at(-1)?.body?.messages ?? []
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user'])
    expect(
      messages
        .at(-1)
        ?.content.map((c) => c.text ?? '')
        .join(''),
    ).toContain('Make them shorter')
    await page.close()
  })
})
