/**
 * Nothing is lost (issue 13): the story's versions are the ledger. Real proxy and adapters against the Management API
 * simulator; each case ends with the simulator's final story and its version list.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { ChangeInput, ChangesResult, LedgerResult } from '../../shared/contract.ts'
import { reply } from '../../dev/simulators/bedrockScript.ts'
import {
  DEMO_SPACE_ID,
  DEMO_STORY_IDS,
  DEMO_UIDS,
  DEMO_USERS,
  findBlock,
  storyblokDemoSeed,
} from '../../dev/simulators/storyblok.ts'
import { addPluginField, startWorld, TEST_PROXY_KEY, type World } from '../../dev/world.ts'
import { createApp } from '../../proxy/createApp.ts'
import { readHistory } from '../../shared/historyEntry.ts'
import { tokenFor } from '../support/changeTokens.ts'

const HOME: number = DEMO_STORY_IDS.home
const HISTORY = { blockUid: DEMO_UIDS.homeRoot, field: 'voice_assistant' }
const HERO = 'Content that moves at the speed of your team'

let world: World
beforeAll(async () => {
  world = await startWorld({ storyblok: { rateLimitPerSecond: 1000 } })
  addPluginField(world)
})
afterAll(async () => {
  await world?.close()
})
beforeEach(() => {
  for (const sp of storyblokDemoSeed().spaces) for (const s of sp.stories) world.storyblok.setStory(sp.spaceId, s)
  world.storyblok.faults.clear()
  world.storyblok.clearRequests()
  world.bedrock.reset()
})

const headers = { authorization: `Bearer ${TEST_PROXY_KEY}`, 'content-type': 'application/json' }
async function post<T>(path: string, body: Record<string, unknown>, via?: ReturnType<typeof createApp>) {
  const init = { method: 'POST', headers, body: JSON.stringify({ spaceId: DEMO_SPACE_ID, storyId: HOME, ...body }) }
  const res = via ? await via.request(path, init) : await fetch(`${world.proxyUrl}${path}`, init)
  return { status: res.status, body: (await res.json()) as T & { error?: { code: string; message: string } } }
}
/**
 * An apply with the token its proposal would carry (signed by the proxy's own signer); an undo or a restore passes
 * the token the ledger handed out for it, as the plugin does.
 */
const apply = (body: Record<string, unknown>, via?: ReturnType<typeof createApp>) => {
  const token =
    body['token'] ??
    tokenFor(world.deps, body['changes'] as ChangeInput[], {
      spaceId: DEMO_SPACE_ID,
      storyId: HOME,
      changeSetId: String(body['changeSetId'] ?? 'cs-test'),
      releaseId: (body['releaseId'] as number | undefined) ?? null,
    })
  return post<ChangesResult>('/api/changes', { historyField: HISTORY, ...body, token }, via)
}
const ledger = async (body: Record<string, unknown> = {}) => {
  const r = await post<LedgerResult>('/api/changes/history', { historyField: HISTORY, ...body })
  expect(r.status, JSON.stringify(r.body)).toBe(200)
  return r.body
}
const story = (releaseId?: number) => world.storyblok.getStory(DEMO_SPACE_ID, HOME, { releaseId })!
const hero = (field: string, releaseId?: number) => findBlock(story(releaseId).content, DEMO_UIDS.hero)?.[field]
const faq2 = () => findBlock(story().content, DEMO_UIDS.faqItem2)?.['description']
const change = (field: string, before: unknown, after: unknown, blockUid: string = DEMO_UIDS.hero): ChangeInput => ({
  blockUid,
  field,
  language: 'default',
  before,
  after,
})
/** The version list as authors, newest first. */
const authors = () => world.storyblok.versions(DEMO_SPACE_ID, HOME).map((x) => x.user.friendly_name)
const historyIds = () =>
  readHistory(findBlock(story().content, DEMO_UIDS.homeRoot)?.['voice_assistant']).history.map(
    (e) => `${e.reason}:${e.id}`,
  )
const TOKEN = DEMO_USERS.token.friendly_name
const EDITOR = DEMO_USERS.editor.friendly_name

describe('stale save: detected from the versions, restored in one click, nothing the human typed lost', () => {
  it('apply → the editor saves the open (older) copy with one more edit → ledger says reverted → restore', async () => {
    const openCopy = story().content // what the Visual Editor holds since before the apply
    const first = await apply({
      changes: [change('headline', HERO, 'Ship content faster')],
      changeSetId: 'cs-stale',
      transcript: 'make the headline punchier',
    })
    expect(first.status, JSON.stringify(first.body)).toBe(200)

    const stale = structuredClone(openCopy)
    findBlock(stale, DEMO_UIDS.faqItem2)!['description'] = 'Typed by the editor in the open copy'
    world.storyblok.saveContent(DEMO_SPACE_ID, HOME, stale)
    expect(hero('headline')).toBe(HERO) // the stale save reverted the assistant's change and its history entry
    expect(historyIds()).toEqual([])

    const seen = await ledger()
    expect(seen.changeSets).toHaveLength(1)
    const [set] = seen.changeSets
    expect(set).toMatchObject({
      id: 'cs-stale',
      state: 'reverted',
      transcript: 'make the headline punchier',
      written: { author: TOKEN },
      revertedBy: { author: EDITOR },
      restore: [change('headline', HERO, 'Ship content faster')],
    })

    expect(set!.restoreToken).toBeTruthy()
    const restored = await apply({
      changes: set!.restore!,
      token: set!.restoreToken,
      changeSetId: 'cs-stale',
      transcript: set!.transcript,
    })
    expect(restored.status, JSON.stringify(restored.body)).toBe(200)
    expect(hero('headline')).toBe('Ship content faster')
    expect(faq2()).toBe('Typed by the editor in the open copy')
    expect(historyIds()).toEqual(['apply:cs-stale'])
    expect((await ledger()).changeSets.map((s) => [s.id, s.state])).toEqual([['cs-stale', 'applied']])
    expect(authors()).toEqual([TOKEN, EDITOR, TOKEN, EDITOR])
  })
})

describe('reload: the ledger survives the plugin, any change set can be undone', () => {
  it('two applies and a human edit → after a reload, the older change set is undone; the newer and the human edit stay', async () => {
    expect((await apply({ changes: [change('headline', HERO, 'Older change')], changeSetId: 'cs-a' })).status).toBe(200)
    const sub = hero('subheadline')
    expect((await apply({ changes: [change('subheadline', sub, 'Newer change')], changeSetId: 'cs-b' })).status).toBe(
      200,
    )
    world.storyblok.editField(DEMO_SPACE_ID, HOME, DEMO_UIDS.faqItem2, 'description', 'Human edit after both')

    // A fresh plugin (reload, another machine, a restarted proxy) knows nothing; the ledger does.
    const seen = await ledger()
    expect(seen.changeSets.map((s) => [s.id, s.state])).toEqual([
      ['cs-b', 'applied'],
      ['cs-a', 'applied'],
    ])
    const older = seen.changeSets.find((s) => s.id === 'cs-a')!
    const undone = await apply({ changes: older.undo, token: older.undoToken, changeSetId: 'cs-a', reason: 'undo' })
    expect(undone.status, JSON.stringify(undone.body)).toBe(200)

    expect(hero('headline')).toBe(HERO)
    expect(hero('subheadline')).toBe('Newer change')
    expect(faq2()).toBe('Human edit after both')
    expect((await ledger()).changeSets.map((s) => [s.id, s.state])).toEqual([
      ['cs-b', 'applied'],
      ['cs-a', 'undone'],
    ])
    expect(historyIds()).toEqual(['apply:cs-a', 'apply:cs-b', 'undo:cs-a'])
    expect(authors()).toEqual([TOKEN, EDITOR, TOKEN, TOKEN, EDITOR])
  })

  it('a change set a human partly edited since: undo reverts the rest and reports the field the human changed', async () => {
    const sub = hero('subheadline')
    await apply({ changes: [change('headline', HERO, 'A'), change('subheadline', sub, 'B')], changeSetId: 'cs-e' })
    world.storyblok.editField(DEMO_SPACE_ID, HOME, DEMO_UIDS.hero, 'subheadline', 'Human rewrote B')
    const [set] = (await ledger()).changeSets
    expect(set?.state).toBe('edited')
    const undone = await apply({ changes: set!.undo, token: set!.undoToken, changeSetId: 'cs-e', reason: 'undo' })
    expect(undone.status).toBe(200)
    expect(undone.body.conflicts).toEqual([
      expect.objectContaining({ field: 'subheadline', expected: 'B', actual: 'Human rewrote B' }),
    ])
    expect(hero('headline')).toBe(HERO)
    expect(hero('subheadline')).toBe('Human rewrote B')
  })
})

describe('the read → write window is repaired', () => {
  it('a human save between the apply’s read and its write → their field restored by one more write', async () => {
    world.storyblok.faults.afterNextGet(DEMO_SPACE_ID, HOME, (content) => {
      findBlock(content, DEMO_UIDS.faqItem2)!['description'] = 'Saved by a human mid-apply'
    })
    const r = await apply({ changes: [change('headline', HERO, 'From the assistant')], changeSetId: 'cs-race' })
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    expect(r.body.raced).toMatchObject({ author: EDITOR, restored: true })
    expect(r.body.conflicts).toBeUndefined()
    expect(hero('headline')).toBe('From the assistant')
    expect(faq2()).toBe('Saved by a human mid-apply')
    expect(historyIds()).toEqual(['apply:cs-race'])
    expect(authors()).toEqual([TOKEN, TOKEN, EDITOR, EDITOR])
    expect((await ledger()).changeSets.map((s) => [s.id, s.state])).toEqual([['cs-race', 'applied']])
  })

  it('the human saved the same field: theirs is kept and reported as a conflict', async () => {
    world.storyblok.faults.afterNextGet(DEMO_SPACE_ID, HOME, (content) => {
      findBlock(content, DEMO_UIDS.hero)!['headline'] = 'Human headline mid-apply'
    })
    const r = await apply({ changes: [change('headline', HERO, 'From the assistant')], changeSetId: 'cs-clash' })
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    expect(r.body.raced).toMatchObject({ author: EDITOR, restored: true })
    expect(r.body.conflicts).toEqual([
      expect.objectContaining({ field: 'headline', expected: HERO, actual: 'Human headline mid-apply' }),
    ])
    expect(r.body.applied).toEqual([])
    expect(hero('headline')).toBe('Human headline mid-apply')
    const [set] = (await ledger()).changeSets
    expect(set).toMatchObject({ id: 'cs-clash', state: 'edited' })
  })

  it('two proxy instances apply to one story at once: neither change is lost', async () => {
    const second = createApp(world.deps)
    const sub = hero('subheadline')
    const held = world.storyblok.faults.holdNextPut(DEMO_SPACE_ID, HOME)
    const a = apply({ changes: [change('headline', HERO, 'Instance A')], changeSetId: 'cs-A' })
    await held.arrived // A has read the story and its PUT waits
    const b = await apply({ changes: [change('subheadline', sub, 'Instance B')], changeSetId: 'cs-B' }, second)
    expect(b.status, JSON.stringify(b.body)).toBe(200)
    held.release()
    const ra = await a
    expect(ra.status, JSON.stringify(ra.body)).toBe(200)
    expect(ra.body.raced).toMatchObject({ author: TOKEN, restored: true })
    expect(hero('headline')).toBe('Instance A')
    expect(hero('subheadline')).toBe('Instance B')
    expect(historyIds()).toEqual(['apply:cs-B', 'apply:cs-A'])
    expect(authors()).toEqual([TOKEN, TOKEN, TOKEN, EDITOR])
    expect((await ledger()).changeSets.map((s) => s.state)).toEqual(['applied', 'applied'])
  })
})

describe('a conflict is not a dead end', () => {
  it('409 carries a rebase token: the assistant’s value over theirs, still conflict-checked, nothing else writable', async () => {
    const proposalToken = tokenFor(world.deps, [change('headline', HERO, 'Assistant')], {
      spaceId: DEMO_SPACE_ID,
      storyId: HOME,
      changeSetId: 'cs-rebase',
    })
    world.storyblok.editField(DEMO_SPACE_ID, HOME, DEMO_UIDS.hero, 'headline', 'Theirs')
    const refused = await apply({
      changes: [change('headline', HERO, 'Assistant')],
      changeSetId: 'cs-rebase',
      token: proposalToken,
    })
    expect(refused.status).toBe(409)
    const rebase = (refused.body as { rebaseToken?: string }).rebaseToken
    expect(rebase).toEqual(expect.any(String))
    // The old before no longer matches the token; another field was never proposed.
    const stale = await apply({ changes: [change('headline', HERO, 'Assistant')], token: rebase })
    expect(stale.body.error?.code).toBe('change_not_proposed')
    const other = await apply({ changes: [change('subheadline', hero('subheadline'), 'Sneaky')], token: rebase })
    expect(other.body.error?.code).toBe('change_not_proposed')
    const over = await apply({
      changes: [change('headline', 'Theirs', 'Assistant')],
      changeSetId: 'cs-rebase',
      token: rebase,
    })
    expect(over.status, JSON.stringify(over.body)).toBe(200)
    expect(hero('headline')).toBe('Assistant')
  })
})

describe('releases', () => {
  it('the proposal names the release; the apply writes its copy; the main draft is untouched', async () => {
    const release = world.storyblok.createRelease(DEMO_SPACE_ID, 'Black Friday')
    world.storyblok.editField(DEMO_SPACE_ID, HOME, DEMO_UIDS.hero, 'headline', 'Release headline', {
      releaseId: release.id,
    })
    world.storyblok.clearRequests()
    world.bedrock.script(
      reply.toolUse('propose_changes', {
        changes: [{ blockUid: DEMO_UIDS.hero, field: 'headline', value: 'Black Friday: 40 % off' }],
      }),
    )
    const res = await fetch(`${world.proxyUrl}/api/conversation`, {
      method: 'POST',
      headers: { ...headers, accept: 'application/json' },
      body: JSON.stringify({
        spaceId: DEMO_SPACE_ID,
        storyId: HOME,
        releaseId: release.id,
        messages: [{ role: 'user', content: 'headline for the sale' }],
      }),
    })
    const { proposal } = (await res.json()) as { proposal: { releaseId?: number; changes: ChangeInput[] } }
    expect(proposal.releaseId).toBe(release.id)
    expect(proposal.changes[0]?.before).toBe('Release headline') // read from the release's copy
    const [c] = proposal.changes
    const r = await apply({
      changes: [change('headline', c!.before, c!.after)],
      changeSetId: 'cs-rel',
      releaseId: release.id,
    })
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    expect(r.body.releaseId).toBe(release.id)
    expect(hero('headline', release.id)).toBe('Black Friday: 40 % off')
    expect(hero('headline')).toBe(HERO)
    expect(world.storyblok.requestsTo('PUT').map((p) => (p.body as { release_id?: number }).release_id)).toEqual([
      release.id,
    ])
    const [newest] = world.storyblok.versions(DEMO_SPACE_ID, HOME)
    expect(newest).toMatchObject({ release_id: release.id, user: DEMO_USERS.token })
    expect((await ledger({ releaseId: release.id })).changeSets.map((s) => [s.id, s.state])).toEqual([
      ['cs-rel', 'applied'],
    ])
    expect((await ledger()).changeSets).toEqual([])
  })
})

describe('content locking', () => {
  it('a story locked by another user → 423 story_locked, never force_update, nothing written; works once unlocked', async () => {
    world.storyblok.lockStory(DEMO_SPACE_ID, HOME, DEMO_USERS.colleague)
    const body = { changes: [change('headline', HERO, 'While locked')], changeSetId: 'cs-lock' }
    const refused = await apply(body)
    expect(refused.status).toBe(423)
    expect(refused.body.error).toMatchObject({ code: 'story_locked' })
    expect(refused.body.error?.message).toMatch(/locked/)
    expect(hero('headline')).toBe(HERO)
    expect(world.storyblok.requestsTo('PUT').map((p) => JSON.stringify(p.body))).toEqual([
      expect.not.stringContaining('force_update'),
    ])
    expect(authors()).toEqual([EDITOR])

    world.storyblok.lockStory(DEMO_SPACE_ID, HOME, null)
    const again = await apply(body) // the same proposal, kept by the plugin
    expect(again.status, JSON.stringify(again.body)).toBe(200)
    expect(hero('headline')).toBe('While locked')
  })
})

describe('the ledger signs only what it read from this plugin’s own field', () => {
  it('refuses a historyField that is not a field of this plugin, and its tokens name nothing else', async () => {
    const wrong = await post<LedgerResult>('/api/changes/history', {
      historyField: { blockUid: DEMO_UIDS.hero, field: 'headline' },
    })
    expect(wrong.status).toBe(400)
    expect(wrong.body.error?.message).toMatch(/field of this plugin/)

    await apply({ changes: [change('headline', HERO, 'From the assistant')], changeSetId: 'cs-own' })
    const [set] = (await ledger()).changeSets
    // The undo token restores the headline only: a second target smuggled in next to it is refused, nothing written.
    const smuggled = await apply({
      changes: [...set!.undo, change('subheadline', hero('subheadline'), 'Not proposed')],
      token: set!.undoToken,
      reason: 'undo',
    })
    expect(smuggled.status).toBe(403)
    expect(smuggled.body.error?.code).toBe('change_not_proposed')
    expect(hero('headline')).toBe('From the assistant')
  })
})
