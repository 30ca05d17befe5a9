/**
 * The conversation, repair and proposal paths against the Bedrock simulator playing each model family
 * (real adapters and SDK clients): strict tools, forced tool choice, cache minimums and reasoning blocks differ.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Proposal } from '../../shared/contract.ts'
import { reply } from '../../dev/simulators/bedrockScript.ts'
import { DEMO_SPACE_ID, DEMO_STORY_IDS, DEMO_UIDS, storyblokDemoSeed } from '../../dev/simulators/storyblok.ts'
import { readSse, type SseRecord } from '../support/sse.ts'
import { startWorld, TEST_PROXY_KEY, type World } from '../../dev/world.ts'
import { capabilitiesFor } from '../../proxy/conversation/capabilitiesFor.ts'
import type { ModelEvent } from '../../proxy/deps.ts'

const FAMILIES = [
  { id: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', family: 'claude-sonnet-4-5', strict: true, forced: true },
  { id: 'us.anthropic.claude-sonnet-4-6', family: 'claude-sonnet-4-6', strict: true, forced: true },
  { id: 'global.anthropic.claude-haiku-4-5-20251001-v1:0', family: 'claude-haiku-4-5', strict: true, forced: true },
  { id: 'us.anthropic.claude-sonnet-5-5', family: 'claude-sonnet-5-5', strict: false, forced: false },
] as const

const HOME = DEMO_STORY_IDS.home
const events = (records: SseRecord[], name: string) => records.filter((r) => r.event === name).map((r) => r.data)
const hero = (field: string, value: string) => ({ blockUid: DEMO_UIDS.hero, field, value, language: '' })

describe.each(FAMILIES)('$family', ({ id, family, strict, forced }) => {
  let world: World
  beforeAll(async () => {
    world = await startWorld({ env: { BEDROCK_MODEL_ID: id } })
  })
  afterAll(async () => world?.close())
  beforeEach(() => {
    for (const sp of storyblokDemoSeed().spaces) for (const s of sp.stories) world.storyblok.setStory(sp.spaceId, s)
    world.bedrock.reset()
  })

  const converse = async (messages: Array<{ role: 'user' | 'assistant'; content: string }>) =>
    readSse(
      await fetch(`${world.proxyUrl}/api/conversation`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${TEST_PROXY_KEY}`,
          'content-type': 'application/json',
          accept: 'text/event-stream',
        },
        body: JSON.stringify({ spaceId: DEMO_SPACE_ID, storyId: HOME, messages }),
      }),
    )
  const text = (records: SseRecord[]) =>
    events(records, 'text')
      .map((d) => d.delta)
      .join('')

  it('proposes a change: strict where the model takes it, reasoning never shown', async () => {
    world.bedrock.script(
      reply.toolUse(
        'propose_changes',
        { changes: [hero('headline', 'Autumn deals')], question: '' },
        { preface: 'Done.' },
      ),
    )
    const records = await converse([{ role: 'user', content: 'New hero headline about autumn deals' }])
    const sent = world.bedrock.requests[0]!
    expect(sent.family).toBe(family)
    expect(Boolean(sent.body.toolConfig.tools[0].toolSpec.strict)).toBe(strict)
    expect(sent.strictViolation).toBeUndefined()
    expect(text(records)).toBe('Done.')
    expect(events(records, 'change')).toEqual([expect.objectContaining({ field: 'headline', after: 'Autumn deals' })])
    const proposal = events(records, 'proposal')[0] as Proposal
    expect(proposal.changes).toHaveLength(1)
    expect(proposal.changes[0]!.invalid).toBeUndefined()
  })

  it('repairs an invalid value in one round, forcing the tool only where the model allows it', async () => {
    world.bedrock.script(
      reply.toolUse('propose_changes', { changes: [hero('text_color', 'purple')], question: '' }),
      reply.toolUse('propose_changes', { changes: [hero('text_color', 'dark')], question: '' }),
    )
    const records = await converse([{ role: 'user', content: 'make the hero text dark purple' }])
    expect(world.bedrock.requests.map((r) => r.outcome)).toEqual(['content', 'content'])
    const repair = world.bedrock.requests[1]!.body
    expect(repair.toolConfig.toolChoice).toEqual(forced ? { tool: { name: 'propose_changes' } } : { auto: {} })
    const result = JSON.stringify(repair.messages.at(-1))
    expect(result).toContain('must be one of')
    if (!forced) expect(result).toContain('must be exactly one propose_changes call')
    // Models that always reason get their reasoning block back ahead of the tool call they continue.
    const assistant = repair.messages.at(-2)
    expect(Boolean(assistant.content[0].reasoningContent)).toBe(family === 'claude-sonnet-5-5')
    const proposal = events(records, 'proposal')[0] as Proposal
    expect(proposal.changes).toEqual([expect.objectContaining({ field: 'text_color', after: 'dark' })])
    expect(proposal.changes[0]!.invalid).toBeUndefined()
    expect(text(records)).not.toContain('reasoning')
  })

  it('reads most of each follow-up turn from the prompt cache', async () => {
    const turns = ['Shorten the hero headline', 'Shorter still', 'Now make it friendlier']
    const messages: Array<{ role: 'user' | 'assistant'; content: string }> = []
    for (const turn of turns) {
      messages.push({ role: 'user', content: turn })
      world.bedrock.script(reply.text('Here is a shorter one.'))
      await converse(messages)
      messages.push({ role: 'assistant', content: 'Here is a shorter one.' })
    }
    const usage = world.bedrock.requests.map((r) => r.cache)
    expect(usage[0]).toMatchObject({ cacheReadInputTokens: 0 })
    expect(usage[0]!.cacheWriteInputTokens).toBeGreaterThan(0)
    // Follow-ups: the share of the request (≈ 4 characters of JSON per token) that was read from the cache.
    for (const [i, r] of world.bedrock.requests.entries()) {
      if (i === 0) continue
      const tokens = JSON.stringify(r.body).length / 4
      expect(r.cache!.cacheReadInputTokens / tokens).toBeGreaterThan(0.9)
    }
  })

  it('the adapter keeps reasoning apart from the answer text', async () => {
    world.bedrock.script(reply.text('Hello there.'))
    const seen: ModelEvent[] = []
    const request = {
      system: [{ text: 'Be brief.' }],
      messages: [{ role: 'user' as const, content: [{ text: 'hi' }] }],
    }
    for await (const e of world.deps.bedrock.stream(request, new AbortController().signal)) seen.push(e)
    const answer = seen.flatMap((e) => (e.type === 'text' ? [e.delta] : [])).join('')
    expect(answer).toBe('Hello there.')
    expect(seen.some((e) => e.type === 'reasoning')).toBe(family === 'claude-sonnet-5-5')
  })
})

describe('an application inference profile with BEDROCK_MODEL_FAMILY', () => {
  let world: World
  beforeAll(async () => {
    world = await startWorld({
      env: {
        BEDROCK_MODEL_ID: 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5',
        BEDROCK_MODEL_FAMILY: 'claude-sonnet-4-6',
      },
    })
  })
  afterAll(async () => world?.close())

  it('gets the named family’s strict tools and cache points instead of the conservative defaults', async () => {
    world.bedrock.script(reply.text('ok'))
    await fetch(`${world.proxyUrl}/api/conversation`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_PROXY_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ spaceId: DEMO_SPACE_ID, storyId: HOME, messages: [{ role: 'user', content: 'hi' }] }),
    }).then((r) => r.arrayBuffer())
    const body = world.bedrock.requests[0]!.body
    expect(body.toolConfig.tools[0].toolSpec.strict).toBe(true)
    expect(body.system.at(-1)).toEqual({ cachePoint: { type: 'default' } })
  })
})

describe('when the table is too optimistic for a model (it changed after the table was written)', () => {
  let world: World
  beforeAll(async () => {
    world = await startWorld({ env: { BEDROCK_MODEL_ID: 'us.anthropic.claude-sonnet-5-5' } })
  })
  afterAll(async () => world?.close())

  it('retries without strict tools and without forced choice, and remembers both for this model', async () => {
    const caps = capabilitiesFor(world.deps.bedrock)
    Object.assign(caps, { strictTools: true, forcedToolChoice: true })
    world.bedrock.script(
      reply.toolUse('propose_changes', { changes: [hero('text_color', 'purple')], question: '' }),
      reply.toolUse('propose_changes', { changes: [hero('text_color', 'light')], question: '' }),
    )
    const res = await fetch(`${world.proxyUrl}/api/conversation`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TEST_PROXY_KEY}`,
        'content-type': 'application/json',
        accept: 'text/event-stream',
      },
      body: JSON.stringify({
        spaceId: DEMO_SPACE_ID,
        storyId: HOME,
        messages: [{ role: 'user', content: 'hero text purple' }],
      }),
    })
    const records = await readSse(res)
    expect(world.bedrock.requests.map((r) => r.outcome)).toEqual(['refused', 'content', 'refused', 'content'])
    const [strictTry, loose, forcedTry, auto] = world.bedrock.requests.map((r) => r.body)
    expect(strictTry.toolConfig.tools[0].toolSpec.strict).toBe(true)
    expect(loose.toolConfig.tools[0].toolSpec.strict).toBeUndefined()
    expect(forcedTry.toolConfig.toolChoice).toEqual({ tool: { name: 'propose_changes' } })
    expect(auto.toolConfig.toolChoice).toEqual({ auto: {} })
    expect(JSON.stringify(auto.messages.at(-1))).toContain('must be exactly one propose_changes call')
    const proposal = records.find((r) => r.event === 'proposal')!.data as Proposal
    expect(proposal.changes).toEqual([expect.objectContaining({ field: 'text_color', after: 'light' })])
    expect(caps).toMatchObject({ strictTools: false, forcedToolChoice: false })
    expect(world.logs.join('\n')).toMatch(/refused strict tools/)
    expect(world.logs.join('\n')).toMatch(/refused forced tool choice/)
  })
})
