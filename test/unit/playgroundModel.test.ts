import { describe, expect, it } from 'vitest'
import { proposalTool } from '../../proxy/proposal/proposalTool.ts'
import { storyOutline } from '../../proxy/story/storyOutline.ts'
import { systemPrompt } from '../../proxy/conversation/systemPrompt.ts'
import { simulatedModel } from '../../dev/playgroundModel.ts'
import { DEMO_SPACE_ID, DEMO_STORY_IDS, DEMO_UIDS, storyblokDemoSeed } from '../../dev/simulators/storyblok.ts'

// The playground's stand-in for Claude reads the real outline format: if the outline changes, this fails first.
function requestFor(prompt: string) {
  const space = storyblokDemoSeed().spaces.find((s) => s.spaceId === DEMO_SPACE_ID)!
  const story = space.stories.find((s) => s.id === DEMO_STORY_IDS.home)!
  const outline = storyOutline({ story, components: space.components })
  const tool = proposalTool(outline)
  return {
    system: systemPrompt({ outline }),
    messages: [{ role: 'user', content: [{ text: prompt }] }],
    toolConfig: { tools: [{ toolSpec: { name: tool.name, inputSchema: { json: tool.inputSchema } } }] },
  }
}

describe('the playground model', () => {
  it('targets the hero headline when asked for it, and says it is simulated', () => {
    const r = simulatedModel(requestFor('Write a hero headline for our autumn sale')) as any
    expect(r.blocks[0].text).toMatch(/Simulated/)
    expect(r.blocks[1].toolUse.input.changes).toEqual([
      { blockUid: DEMO_UIDS.hero, field: 'headline', value: expect.stringContaining('Autumn Sale') },
    ])
  })

  it('answers in text only without a story', () => {
    const r = simulatedModel({ messages: [{ role: 'user', content: [{ text: 'hi' }] }] }) as any
    expect(r.blocks).toHaveLength(1)
  })
})
