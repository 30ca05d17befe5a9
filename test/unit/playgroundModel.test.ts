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
      { blockUid: DEMO_UIDS.hero, field: 'headline', value: expect.stringContaining('Autumn Sale'), language: '' },
    ])
    expect(r.blocks[1].toolUse.input.question).toBe('')
  })

  it('reads the EDITOR FOCUS line the proxy adds to the latest message', () => {
    const request = requestFor('Make this shorter')
    request.messages[0]!.content.push({
      text: `EDITOR FOCUS: block uid ${DEMO_UIDS.faqItem2} (Home › FAQ), field description. "This" means it.`,
    })
    const r = simulatedModel(request) as any
    expect(r.blocks[0].text).not.toContain('EDITOR FOCUS')
    expect(r.blocks[1].toolUse.input.changes).toEqual([
      expect.objectContaining({ blockUid: DEMO_UIDS.faqItem2, field: 'description' }),
    ])
  })

  it('answers in text only without a story', () => {
    const r = simulatedModel({ messages: [{ role: 'user', content: [{ text: 'hi' }] }] }) as any
    expect(r.blocks).toHaveLength(1)
  })
})
