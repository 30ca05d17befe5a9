import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  DEMO_PAT,
  DEMO_SPACE_ID,
  DEMO_STORY_IDS,
  DEMO_UIDS,
  DEMO_USERS,
  findBlock,
  startStoryblokSimulator,
  type StoryblokSimulator,
} from '../../dev/simulators/storyblok.ts'

const SPACE = `/v1/spaces/${DEMO_SPACE_ID}`
const HOME_ID = DEMO_STORY_IDS.home
const HOME = `${SPACE}/stories/${HOME_ID}`

let sim: StoryblokSimulator
beforeEach(async () => {
  sim = await startStoryblokSimulator({ rateLimitPerSecond: 1000 })
})
afterEach(async () => {
  await sim.close()
})

async function call(path: string, { method = 'GET', body = undefined as unknown } = {}) {
  const res = await fetch(sim.url + path, {
    method,
    headers: { authorization: DEMO_PAT, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await res.text()
  return { status: res.status, headers: res.headers, json: text ? (JSON.parse(text) as Record<string, any>) : {} }
}

const headline = (content: unknown) => findBlock(content, DEMO_UIDS.hero)?.['headline']
const withHeadline = (content: unknown, value: string) => {
  const copy = structuredClone(content) as Record<string, unknown>
  findBlock(copy, DEMO_UIDS.hero)!['headline'] = value
  return copy
}

describe('Storyblok simulator: story versions', () => {
  it('records every save with its author, newest first; content only with show_content', async () => {
    const { json } = await call(HOME)
    await call(HOME, { method: 'PUT', body: { story: { content: withHeadline(json['story'].content, 'By the API') } } })
    sim.editField(DEMO_SPACE_ID, HOME_ID, DEMO_UIDS.hero, 'subheadline', 'By a human')

    const list = await call(`${SPACE}/story_versions?by_story_id=${HOME_ID}`)
    expect(list.status).toBe(200)
    const versions = list.json['story_versions'] as Array<Record<string, any>>
    expect(versions.map((v) => v['user_id'])).toEqual([DEMO_USERS.editor.id, DEMO_USERS.token.id, DEMO_USERS.editor.id])
    expect(versions[1]).toMatchObject({ story_id: HOME_ID, status: 'draft', release_id: null, user: DEMO_USERS.token })
    expect(versions[0]?.['content']).toBeUndefined()
    expect(versions[0]?.['id']).toBe(sim.getStory(DEMO_SPACE_ID, HOME_ID)?.current_version_id)
    expect(versions.map((v) => v['id'])).toEqual([...versions.map((v) => v['id'])].sort((a, b) => b - a))

    const full = await call(`${SPACE}/story_versions?by_story_id=${HOME_ID}&show_content=true`)
    expect(headline(full.json['story_versions'][1].content)).toBe('By the API')
    expect(findBlock(full.json['story_versions'][0].content, DEMO_UIDS.hero)?.['subheadline']).toBe('By a human')
  })

  it('pages (per_page at most 100) and requires by_story_id', async () => {
    for (let i = 0; i < 4; i++) sim.editField(DEMO_SPACE_ID, HOME_ID, DEMO_UIDS.hero, 'headline', `Edit ${i}`)
    const page2 = await call(`${SPACE}/story_versions?by_story_id=${HOME_ID}&per_page=2&page=2`)
    expect(page2.json['story_versions']).toHaveLength(2)
    expect(page2.headers.get('total')).toBe('5')
    const capped = await call(`${SPACE}/story_versions?by_story_id=${HOME_ID}&per_page=500`)
    expect(capped.headers.get('per-page')).toBe('100')
    expect((await call(`${SPACE}/story_versions`)).status).toBe(422)
  })

  it('restore_with saves an old version as a new one by the caller', async () => {
    const [first] = sim.versions(DEMO_SPACE_ID, HOME_ID)
    sim.editField(DEMO_SPACE_ID, HOME_ID, DEMO_UIDS.hero, 'headline', 'Changed')
    const res = await call(`${HOME}/restore_with?version=${first?.id}&versions_v2=true`)
    expect(res.status).toBe(200)
    expect(headline(res.json['story'].content)).toBe(headline(first?.content))
    const [newest] = sim.versions(DEMO_SPACE_ID, HOME_ID)
    expect(newest?.user_id).toBe(DEMO_USERS.token.id)
    expect((await call(`${HOME}/restore_with?version=1`)).status).toBe(404)
  })

  it('saveContent writes a stale open copy back whole (the Visual Editor save after an API write)', async () => {
    const open = sim.getStory(DEMO_SPACE_ID, HOME_ID)!.content
    const { json } = await call(HOME)
    await call(HOME, { method: 'PUT', body: { story: { content: withHeadline(json['story'].content, 'By the API') } } })
    const stale = structuredClone(open)
    findBlock(stale, DEMO_UIDS.hero)!['subheadline'] = 'Typed in the open copy'
    sim.saveContent(DEMO_SPACE_ID, HOME_ID, stale)
    const now = sim.getStory(DEMO_SPACE_ID, HOME_ID)!.content
    expect(headline(now)).toBe(headline(open))
    expect(findBlock(now, DEMO_UIDS.hero)?.['subheadline']).toBe('Typed in the open copy')
  })
})

describe('Storyblok simulator: releases', () => {
  it('a write with release_id goes to the release copy; the main draft is untouched', async () => {
    const release = sim.createRelease(DEMO_SPACE_ID, 'Spring campaign')
    const main = sim.getStory(DEMO_SPACE_ID, HOME_ID)!
    const inRelease = await call(`${HOME}?release_id=${release.id}`)
    expect(headline(inRelease.json['story'].content)).toBe(headline(main.content))
    const put = await call(HOME, {
      method: 'PUT',
      body: { story: { content: withHeadline(main.content, 'Spring') }, release_id: release.id },
    })
    expect(put.status).toBe(200)
    expect(headline(put.json['story'].content)).toBe('Spring')
    expect(headline(sim.getStory(DEMO_SPACE_ID, HOME_ID)?.content)).toBe(headline(main.content))
    expect(headline(sim.getStory(DEMO_SPACE_ID, HOME_ID, { releaseId: release.id })?.content)).toBe('Spring')
    expect(headline((await call(`${HOME}?release_id=${release.id}`)).json['story'].content)).toBe('Spring')
    const [newest] = sim.versions(DEMO_SPACE_ID, HOME_ID)
    expect(newest?.release_id).toBe(release.id)
    expect((await call(`${HOME}?release_id=999`)).status).toBe(404)
  })
})

describe('Storyblok simulator: content lock', () => {
  it('refuses a PUT to a story another user has locked unless force_update is sent', async () => {
    sim.lockStory(DEMO_SPACE_ID, HOME_ID, DEMO_USERS.colleague)
    const content = withHeadline(sim.getStory(DEMO_SPACE_ID, HOME_ID)!.content, 'Locked?')
    const refused = await call(HOME, { method: 'PUT', body: { story: { content } } })
    expect(refused.status).toBe(422)
    expect(JSON.stringify(refused.json)).toMatch(/locked/)
    expect(headline(sim.getStory(DEMO_SPACE_ID, HOME_ID)?.content)).not.toBe('Locked?')
    const forced = await call(HOME, { method: 'PUT', body: { story: { content }, force_update: '1' } })
    expect(forced.status).toBe(200)
    sim.lockStory(DEMO_SPACE_ID, HOME_ID, null)
    expect((await call(HOME, { method: 'PUT', body: { story: { content } } })).status).toBe(200)
  })
})
