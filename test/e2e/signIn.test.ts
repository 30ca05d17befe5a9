/**
 * Sign in with Storyblok in the browser (issue 15): the plugin (cross-origin frame in the emulator) opens the
 * proxy's sign-in window, Storyblok's OAuth simulator consents, the window posts the sealed session back; the
 * editor speaks a request and applies it; the simulator's story is saved by that user and the history names them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Frame, Page } from 'playwright-core'
import { reply } from '../../dev/simulators/bedrock.ts'
import { DEMO_SPACE_ID, DEMO_STORY_IDS, DEMO_UIDS, findBlock } from '../../dev/simulators/storyblok.ts'
import { browserAvailable, collectConsoleErrors, shot } from './support/browser.ts'
import { FIELD, startStack, type Stack } from './support/stack.ts'

const run = browserAvailable()
const ERIKA = 4102
const TOM = 4104

describe.runIf(run)('browser: sign in with Storyblok, speak, apply as that editor', () => {
  let stack: Stack
  let page: Page
  let plugin: Frame
  let errors: string[]
  const story = (id: number) => stack.world.storyblok.getStory(DEMO_SPACE_ID, id)!

  beforeAll(async () => {
    stack = await startStack({ world: { oauth: { mode: 'oauth' } } })
    ;({ page, plugin } = await stack.open({ story: String(DEMO_STORY_IDS.article) }))
    errors = collectConsoleErrors(page)
  })
  afterAll(async () => {
    await stack?.close()
  })

  async function signInAs(userId: number) {
    stack.world.oauth?.signIn(userId)
    await plugin.waitForSelector('[data-testid="sign-in"]')
    const [popup] = await Promise.all([page.waitForEvent('popup'), plugin.click('[data-testid="sign-in"]')])
    await popup.waitForEvent('close', { timeout: 15_000 })
    await plugin.waitForSelector('[data-testid="signed-in-as"]')
  }

  it('offers "Sign in with Storyblok" because the proxy reports oauth mode', async () => {
    await plugin.waitForSelector('[data-testid="sign-in-bar"]')
    expect(await plugin.locator('[data-testid="sign-in"]').textContent()).toContain('Sign in with Storyblok')
    await shot(page, 'signin-01-offered')
  })

  it('signs in through the companion window on the proxy origin, which closes itself', async () => {
    await signInAs(ERIKA)
    expect(await plugin.locator('[data-testid="signed-in-as"]').textContent()).toContain('Erika Editor')
    // The window ran on the proxy's origin and was opened by the cross-origin plugin frame.
    const callback = stack.world.logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l['msg'] === 'storyblok sign-in')
    expect(callback).toMatchObject({ userId: ERIKA, spaceId: DEMO_SPACE_ID })
    await shot(page, 'signin-02-signed-in')
  })

  it('speaks a request and applies it: the saved story, its version and the history are authored by that editor', async () => {
    stack.world.bedrock.script(
      reply.toolUse('propose_changes', {
        changes: [
          { blockUid: DEMO_UIDS.articleRoot, field: 'subheadline', value: 'Six lessons from teams that moved' },
        ],
      }),
    )
    // Spoken through the fake microphone (test/fixtures/prompt.wav) and transcribed by the simulator.
    stack.world.transcribe.setDefault({ phrase: () => 'Make it six lessons', minVoicedMs: 200 })
    // Hands-free: the words fill the one request box, and a short countdown sends them (Send now skips it).
    await plugin.click('[data-testid="mic-toggle"]')
    await plugin.waitForSelector('[data-testid="countdown"]', { timeout: 15_000 })
    expect(await plugin.inputValue('[data-testid="prompt-text"]')).toBe('Make it six lessons')
    await plugin.waitForSelector('[data-testid="change"]')
    await plugin.click('[data-testid="apply"]')
    await plugin.waitForFunction(
      () => !!document.querySelector('[data-testid="applied"]') || !!document.querySelector('[data-testid="error"]'),
    )
    expect(await plugin.locator('[data-testid="error"]').count()).toBe(0)
    const saved = story(DEMO_STORY_IDS.article)
    expect(findBlock(saved.content, DEMO_UIDS.articleRoot)?.['subheadline']).toBe('Six lessons from teams that moved')
    expect(saved.last_author).toMatchObject({ id: ERIKA, friendly_name: 'Erika Editor' })
    expect(stack.world.storyblok.versions(DEMO_SPACE_ID, DEMO_STORY_IDS.article)[0]?.user).toMatchObject({
      id: ERIKA,
      friendly_name: 'Erika Editor',
    })
    const history = findBlock(saved.content, DEMO_UIDS.articleRoot)?.[FIELD] as {
      history: Array<{ userId: number; userName?: string }>
    }
    expect(history.history.at(-1)).toMatchObject({ userId: ERIKA, userName: 'Erika Editor' })
    expect(stack.world.storyblok.requestsTo('PUT').at(-1)?.auth).toBe('oauth')
    await shot(page, 'signin-03-applied')
  })

  it('signs out, and a colleague whose role may not change the page sees why', async () => {
    await plugin.click('[data-testid="sign-out"]')
    await plugin.waitForSelector('[data-testid="sign-in"]')
    ;({ page, plugin } = await stack.open({ story: String(DEMO_STORY_IDS.home) }))
    errors.push(...collectConsoleErrors(page))
    await signInAs(TOM)
    expect(await plugin.locator('[data-testid="signed-in-as"]').textContent()).toContain('Tom Translator')
    stack.world.bedrock.script(
      reply.toolUse('propose_changes', {
        changes: [{ blockUid: DEMO_UIDS.hero, field: 'headline', value: 'Tom was here' }],
      }),
    )
    await plugin.fill('[data-testid="prompt-text"]', 'Change the headline')
    await plugin.click('[data-testid="prompt-send"]')
    await plugin.waitForSelector('[data-testid="change"]')
    await plugin.click('[data-testid="apply"]')
    await plugin.waitForSelector('[data-testid="error"]')
    expect(await plugin.locator('[data-testid="error"]').textContent()).toContain(
      "You don't have permission to change “Home”",
    )
    expect(story(DEMO_STORY_IDS.home).last_author).toBeUndefined()
    await shot(page, 'signin-04-no-permission')
  })

  it('left no console errors', () => {
    expect(errors.filter((e) => !/403|Forbidden/.test(e))).toEqual([])
  })
})
