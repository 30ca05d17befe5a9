/**
 * Nothing is lost in the editor's real day (issue 13), in a real browser: the emulator keeps an open copy whose Save
 * writes it back whole, reloads mount a fresh plugin, and the Management API simulator holds the final story and its
 * versions. Screenshots in test/artifacts/screenshots/ledger-*.png.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Frame, Page } from 'playwright-core'
import { reply } from '../../dev/simulators/bedrock.ts'
import {
  DEMO_SPACE_ID,
  DEMO_STORY_IDS,
  DEMO_UIDS,
  DEMO_USERS,
  findBlock,
  storyblokDemoSeed,
} from '../../dev/simulators/storyblok.ts'
import { browserAvailable, pluginFrame, shot } from './support/browser.ts'
import { FIELD, startStack, type Stack } from './support/stack.ts'
import type { ChangeInput } from '../../shared/contract.ts'
import { tokenFor } from '../support/changeTokens.ts'

const run = browserAvailable()
const HOME = DEMO_STORY_IDS.home
const HERO = 'Content that moves at the speed of your team'
const proposeHeadline = (value = 'Faster content') =>
  reply.toolUse('propose_changes', { changes: [{ blockUid: DEMO_UIDS.hero, field: 'headline', value }] })

async function propose(plugin: Frame, prompt = 'Shorten the hero headline') {
  await plugin.fill('[data-testid="prompt-text"]', prompt)
  await plugin.click('[data-testid="prompt-send"]')
  await plugin.waitForSelector('[data-testid="streaming"]', { state: 'detached' })
  await plugin.waitForSelector('[data-testid="change"]')
}

/** Types into the emulator's open copy (not saved yet). */
async function typeInOpenCopy(page: Page, blockUid: string, field: string, value: string) {
  await page.selectOption('[data-testid="edit-target"]', `${blockUid}|${field}`)
  await page.fill('[data-testid="edit-value"]', value)
  await page.click('[data-testid="edit-apply"]')
}

/** The emulator's "Reload story": a fresh plugin frame, like Storyblok. */
async function reload(page: Page, plugin: Frame): Promise<Frame> {
  await page.click('[data-testid="reload"]')
  await expect.poll(() => plugin.isDetached()).toBe(true)
  return pluginFrame(page, pluginOrigin)
}
let pluginOrigin = ''

describe.runIf(run)('nothing is lost: stale saves, reloads, races, releases, locks, sandbox', () => {
  let stack: Stack
  const story = (releaseId?: number) => stack.world.storyblok.getStory(DEMO_SPACE_ID, HOME, { releaseId })!
  const hero = (field: string, releaseId?: number) => findBlock(story(releaseId).content, DEMO_UIDS.hero)?.[field]
  const faq2 = () => findBlock(story().content, DEMO_UIDS.faqItem2)?.['description']
  const authors = () => stack.world.storyblok.versions(DEMO_SPACE_ID, HOME).map((x) => x.user.friendly_name)
  const TOKEN = DEMO_USERS.token.friendly_name

  beforeAll(async () => {
    stack = await startStack()
    pluginOrigin = stack.emulator.pluginOrigin
  })
  afterAll(async () => {
    await stack?.close()
  })
  beforeEach(() => {
    for (const sp of storyblokDemoSeed().spaces)
      for (const s of sp.stories) stack.world.storyblok.setStory(sp.spaceId, s)
    stack.world.storyblok.faults.clear()
    stack.world.bedrock.reset()
  })

  it('apply → a blocking reload notice → the editor saves the open copy anyway → stale save detected → restored', async () => {
    stack.world.bedrock.script(proposeHeadline())
    const { page, plugin } = await stack.open({ story: String(HOME) })
    await propose(plugin)
    await plugin.click('[data-testid="apply"]')
    await plugin.waitForSelector('[data-testid="applied"]')
    expect(await plugin.locator('[data-testid="must-reload"]').textContent()).toContain('Reload the story now')
    await shot(page, 'ledger-01-must-reload')

    // The editor ignores it: types in another field of the open (older) copy and saves it whole.
    await typeInOpenCopy(page, DEMO_UIDS.faqItem2, 'description', 'Typed by the editor')
    await page.click('[data-testid="save"]')
    await expect.poll(() => plugin.isDetached()).toBe(true)
    expect(hero('headline')).toBe(HERO) // reverted by the stale save

    const reloaded = await pluginFrame(page, stack.emulator.pluginOrigin)
    await reloaded.waitForSelector('[data-testid="stale-save"]')
    expect(await reloaded.locator('[data-testid="stale-save"]').textContent()).toMatch(
      /older open copy.*Saved by Erika Editor/s,
    )
    // The proposal survived the plugin's reload.
    expect(await reloaded.locator('[data-testid="change"]').count()).toBe(1)
    await shot(page, 'ledger-02-stale-save-detected')

    await reloaded.click('[data-testid="restore"]')
    await reloaded.waitForSelector('[data-testid="applied"]')
    await reloaded.waitForSelector('[data-testid="stale-save"]', { state: 'detached' })
    expect(hero('headline')).toBe('Faster content')
    expect(faq2()).toBe('Typed by the editor')
    expect(authors().slice(0, 3)).toEqual([TOKEN, DEMO_USERS.editor.friendly_name, TOKEN]) // restore, stale save, apply
    expect(await reloaded.locator('[data-testid="stale-save"]').count()).toBe(0)
    await shot(page, 'ledger-03-restored')
    await page.close()
  })

  it('after a reload (no plugin memory) an older change set is undone from the ledger; the newer one stays', async () => {
    // Two earlier applies as the plugin would send them: each with the token its proposal carried.
    const write = (body: Record<string, unknown>) =>
      fetch(`${stack.proxyUrl}/api/changes`, {
        method: 'POST',
        headers: { authorization: `Bearer ${stack.world.proxyKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          spaceId: DEMO_SPACE_ID,
          storyId: HOME,
          historyField: { blockUid: DEMO_UIDS.homeRoot, field: FIELD },
          token: tokenFor(stack.world.deps, body['changes'] as ChangeInput[], {
            spaceId: DEMO_SPACE_ID,
            storyId: HOME,
            changeSetId: String(body['changeSetId'] ?? 'cs-test'),
          }),
          ...body,
        }),
      })
    const sub = hero('subheadline')
    const change = (field: string, before: unknown, after: string) => ({
      blockUid: DEMO_UIDS.hero,
      field,
      before,
      after,
    })
    expect(
      (await write({ changes: [change('headline', HERO, 'Older')], changeSetId: 'cs-old', transcript: 'older' }))
        .status,
    ).toBe(200)
    expect(
      (await write({ changes: [change('subheadline', sub, 'Newer')], changeSetId: 'cs-new', transcript: 'newer' }))
        .status,
    ).toBe(200)

    const { page, plugin } = await stack.open({ story: String(HOME) })
    await plugin.waitForSelector('[data-testid="ledger"]')
    await plugin.click('[data-testid="ledger"] summary')
    const items = plugin.locator('[data-testid="ledger-item"]')
    expect(await items.count()).toBe(2)
    await shot(page, 'ledger-04-history-after-reload')
    await items.filter({ hasText: 'older' }).locator('[data-testid="ledger-undo"]').click()
    await plugin.waitForSelector('[data-testid="undone"]')
    await plugin.waitForSelector('[data-testid="ledger-item"][data-state="undone"]')
    expect(hero('headline')).toBe(HERO)
    expect(hero('subheadline')).toBe('Newer')
    await shot(page, 'ledger-05-older-undone')
    await page.close()
  })

  it('a human save between the apply’s read and write: both survive', async () => {
    stack.world.bedrock.script(proposeHeadline('Race-proof headline'))
    const { page, plugin } = await stack.open({ story: String(HOME) })
    await propose(plugin)
    stack.world.storyblok.faults.afterNextGet(DEMO_SPACE_ID, HOME, (content) => {
      findBlock(content, DEMO_UIDS.faqItem2)!['description'] = 'Saved by a colleague mid-apply'
    })
    await plugin.click('[data-testid="apply"]')
    await plugin.waitForSelector('[data-testid="applied"]')
    expect(hero('headline')).toBe('Race-proof headline')
    expect(faq2()).toBe('Saved by a colleague mid-apply')
    await shot(page, 'ledger-06-race-repaired')
    await page.close()
  })

  it('in a release: the proposal names it, the release copy is written, the main draft is untouched', async () => {
    const release = stack.world.storyblok.createRelease(DEMO_SPACE_ID, 'Summer sale')
    stack.world.bedrock.script(proposeHeadline('Summer: 30 % off'))
    const { page, plugin } = await stack.open({
      story: String(HOME),
      release: String(release.id),
      releaseName: release.name,
    })
    await propose(plugin)
    expect(await plugin.locator('[data-testid="proposal-release"]').textContent()).toContain('Summer sale')
    await plugin.click('[data-testid="apply"]')
    await plugin.waitForSelector('[data-testid="applied"]')
    expect(hero('headline', release.id)).toBe('Summer: 30 % off')
    expect(hero('headline')).toBe(HERO)
    expect(stack.world.storyblok.versions(DEMO_SPACE_ID, HOME)[0]?.release_id).toBe(release.id)
    await shot(page, 'ledger-07-release')
    await page.close()
  })

  it('a story locked by another user: a clear message, the proposal kept, applied once unlocked', async () => {
    stack.world.storyblok.lockStory(DEMO_SPACE_ID, HOME, DEMO_USERS.colleague)
    stack.world.bedrock.script(proposeHeadline('After the lock'))
    const { page, plugin } = await stack.open({ story: String(HOME), lockedBy: DEMO_USERS.colleague.friendly_name })
    await propose(plugin)
    await plugin.click('[data-testid="apply"]')
    const error = await plugin.waitForSelector('[data-testid="error"]')
    expect(await error.getAttribute('data-code')).toBe('story_locked')
    expect(await error.textContent()).toMatch(/locked/)
    expect(await plugin.locator('[data-testid="change"]').count()).toBe(1)
    expect(hero('headline')).toBe(HERO)
    expect(JSON.stringify(stack.world.storyblok.requestsTo('PUT').map((r) => r.body))).not.toContain('force_update')
    await shot(page, 'ledger-08-locked')
    stack.world.storyblok.lockStory(DEMO_SPACE_ID, HOME, null)
    await plugin.click('[data-testid="retry"]')
    await plugin.waitForSelector('[data-testid="applied"]')
    expect(hero('headline')).toBe('After the lock')
    await page.close()
  })

  it('conflicts are not dead ends: use the assistant’s for one field, keep theirs for another', async () => {
    stack.world.bedrock.script(
      reply.toolUse('propose_changes', {
        changes: [
          { blockUid: DEMO_UIDS.hero, field: 'headline', value: 'Assistant headline' },
          { blockUid: DEMO_UIDS.hero, field: 'subheadline', value: 'Assistant subheadline' },
        ],
      }),
    )
    const { page, plugin } = await stack.open({ story: String(HOME) })
    await propose(plugin, 'Rewrite the hero')
    // A colleague saves both fields after the proposal was made.
    stack.world.storyblok.editField(DEMO_SPACE_ID, HOME, DEMO_UIDS.hero, 'headline', 'Colleague headline')
    stack.world.storyblok.editField(DEMO_SPACE_ID, HOME, DEMO_UIDS.hero, 'subheadline', 'Colleague subheadline', {
      user: DEMO_USERS.colleague,
    })
    await plugin.click('[data-testid="apply"]')
    await plugin.waitForSelector('[data-testid="conflict"]', { timeout: 8000 })
    expect(await plugin.locator('[data-testid="conflict-item"]').count()).toBe(2)
    expect(await plugin.locator('[data-testid="ask-again"]').count()).toBe(1)
    await shot(page, 'ledger-10-conflict-choices')
    await plugin.locator('[data-testid="conflict-item"]').nth(0).locator('[data-testid="use-assistant"]').click()
    await plugin.locator('[data-testid="conflict-item"]').nth(0).locator('[data-testid="keep-theirs"]').click()
    await plugin.waitForSelector('[data-testid="conflict"]', { state: 'detached' })
    expect(await plugin.locator('[data-testid="selected-count"]').textContent()).toBe('1 of 2 selected')
    const reloaded = await reload(page, plugin) // the open copy must show the colleague's text first
    expect(await reloaded.locator('[data-testid="selected-count"]').textContent()).toBe('1 of 2 selected')
    await reloaded.click('[data-testid="apply"]')
    await reloaded.waitForSelector('[data-testid="applied"]')
    expect(hero('headline')).toBe('Assistant headline')
    expect(hero('subheadline')).toBe('Colleague subheadline')

    await page.close()
  })

  it('conflict → "Ask again on the current text" re-runs the request against the saved story', async () => {
    stack.world.bedrock.script(proposeHeadline('First try'))
    const { page, plugin } = await stack.open({ story: String(HOME) })
    await propose(plugin)
    stack.world.storyblok.editField(DEMO_SPACE_ID, HOME, DEMO_UIDS.hero, 'headline', 'Changed meanwhile')
    await plugin.click('[data-testid="apply"]')
    await plugin.waitForSelector('[data-testid="conflict"]', { timeout: 8000 })
    stack.world.bedrock.script(proposeHeadline('Second try'))
    await plugin.click('[data-testid="ask-again"]')
    await expect
      .poll(() => plugin.locator('[data-testid="change"]').allTextContents(), { timeout: 10_000 })
      .toEqual([expect.stringMatching(/Changed meanwhile.*Second try/s)])
    // The open copy still has the old text: the unsaved-edit check asks for a reload, which keeps the proposal.
    const reloaded = await reload(page, plugin)
    await reloaded.click('[data-testid="apply"]')
    await reloaded.waitForSelector('[data-testid="applied"]')
    expect(hero('headline')).toBe('Second try')
    await page.close()
  }, 60_000)

  it('sandbox (get-context without callback id): never a dead end — apply without the check, risk spelled out', async () => {
    stack.world.bedrock.script(proposeHeadline('Sandbox headline'))
    const { page, plugin } = await stack.open({ story: String(HOME), sandbox: '1' })
    await propose(plugin)
    await plugin.click('[data-testid="apply"]')
    const notice = await plugin.waitForSelector('[data-testid="draft-unavailable"]', { timeout: 20_000 })
    expect(await notice.textContent()).toMatch(/cannot be checked.*overwrites/s)
    await shot(page, 'ledger-09-sandbox-unchecked')
    await plugin.click('[data-testid="apply-unchecked"]')
    await plugin.waitForSelector('[data-testid="applied"]')
    expect(hero('headline')).toBe('Sandbox headline')
    await page.close()
  }, 40_000)
})
