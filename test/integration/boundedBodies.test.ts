/**
 * Every request body is bounded in size and depth before any work on it, and the story outline stays linear in
 * the draft it is given (issue 12): real app, real adapters, against the simulators.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAX_BODY_DEPTH } from '../../proxy/http/parseBody.ts'
import { DEMO_SPACE_ID, DEMO_STORY_IDS, DEMO_UIDS } from '../../dev/simulators/storyblok.ts'
import { startWorld, TEST_PROXY_KEY, type World } from '../../dev/world.ts'
import { readSse } from '../support/sse.ts'

let world: World
beforeAll(async () => {
  world = await startWorld()
})
afterAll(async () => {
  await world?.close()
})

const post = (path: string, body: string, accept = 'text/event-stream') =>
  world.app.request(
    new Request(`http://proxy.test${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept, authorization: `Bearer ${TEST_PROXY_KEY}` },
      body,
    }),
  )

async function expectTooDeep(res: Response) {
  expect(res.status).toBe(400)
  expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  const body = (await res.json()) as { error: { code: string; message: string; requestId: string }; problems: string[] }
  expect(body.error.code).toBe('bad_request')
  expect(body.error.message).toContain(`deeper than ${MAX_BODY_DEPTH} levels`)
  expect(body.error.requestId).toBe(res.headers.get('x-request-id'))
  expect(body.problems).toEqual([`body: nests deeper than ${MAX_BODY_DEPTH} levels`])
}

const changeBody = (before: string) =>
  `{"spaceId":${DEMO_SPACE_ID},"storyId":${DEMO_STORY_IDS.home},"changes":[` +
  `{"blockUid":"${DEMO_UIDS.hero}","field":"headline","before":${before},"after":"Shorter headline"}]}`

const conversationBody = (draft: string) =>
  `{"spaceId":${DEMO_SPACE_ID},"storyId":${DEMO_STORY_IDS.home},` +
  `"messages":[{"role":"user","content":"Shorten the deepest headline"}],"draft":${draft}}`

/** A page whose body holds a chain of `levels` sections, each nested in the previous one's `body`. */
function chainDraft(levels: number, siblings = 0): string {
  const filler = Array.from(
    { length: siblings },
    (_, i) => `{"_uid":"s${i}","component":"text-section","headline":"Sibling ${i}"}`,
  ).join(',')
  let open = ''
  for (let i = 0; i < levels; i++)
    open += `{"_uid":"deep-${i}","component":"default-page","body":[${filler}${filler ? ',' : ''}`
  return `{"_uid":"${DEMO_UIDS.homeRoot}","component":"default-page","body":[${open}{"_uid":"deepest","component":"text-section","headline":"Deepest"}${']}'.repeat(levels)}]}`
}

describe('request bodies are bounded', () => {
  it('answers 400 bad_request, not a 500, for JSON nested 100,000 deep in /api/changes', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`
    await expectTooDeep(await post('/api/changes', changeBody(deep), 'application/json'))
    const deepObject = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`
    await expectTooDeep(await post('/api/changes', changeBody(deepObject), 'application/json'))
    expect(world.storyblok.requests.filter((r) => r.method === 'PUT')).toHaveLength(0)
  })

  it('answers 400 for a ~120 kB conversation whose draft nests thousands of blocks, before any model call', async () => {
    const calls = world.bedrock.requests.length
    const body = conversationBody(chainDraft(2_600))
    expect(body.length).toBeGreaterThan(120_000)
    await expectTooDeep(await post('/api/conversation', body))
    expect(world.bedrock.requests.length).toBe(calls)
  })

  it('still accepts a body nested exactly to the bound', async () => {
    // The body, its `changes` list and the change take 3 levels; `before` gets the rest.
    const before = `${'['.repeat(MAX_BODY_DEPTH - 3)}${']'.repeat(MAX_BODY_DEPTH - 3)}`
    const res = await post('/api/changes', changeBody(before), 'application/json')
    expect(res.status).not.toBe(400)
    expect(((await res.json()) as { error?: { code: string } }).error?.code).not.toBe('bad_request')
  })
})

describe('the outline of a large draft', () => {
  it('outlines a ~120 kB draft nested near the bound once, with every block and a short path for the deepest', async () => {
    const levels = Math.floor((MAX_BODY_DEPTH - 6) / 2)
    const body = conversationBody(chainDraft(levels, 60))
    expect(body.length).toBeGreaterThan(100_000)
    const before = world.bedrock.requests.length
    const events = await readSse(await post('/api/conversation', body))
    expect(events.map((e) => e.event)).toContain('done')
    expect(events.find((e) => e.event === 'error')).toBeUndefined()
    const sent = world.bedrock.requests.slice(before)
    expect(sent).toHaveLength(1)
    const system = JSON.stringify(sent[0]!.body.system)
    expect(system).toContain('uid deepest]')
    expect(system).toContain(`uid deep-${levels - 1}]`)
    // Deep paths keep their last levels instead of repeating every ancestor, so each heading has a bounded length.
    expect(system).toMatch(/## Page › … › Body › [^\]]*Deepest”  \[Text section, uid deepest\]/)
  })
})
