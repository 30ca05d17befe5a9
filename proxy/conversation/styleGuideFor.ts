import type { Deps } from '../deps.ts'
import type { ConversationContext } from './runConversation.ts'

/**
 * The brand style guide text for this turn, announced to the editor with a notice. A missing or unreadable guide is
 * a warning, never an error: the answer is still given, only without the guide.
 */
export async function styleGuideFor(
  { config }: Pick<Deps, 'config'>,
  { body, signal, emit, styleGuides }: ConversationContext,
): Promise<string | undefined> {
  const slug = (body.styleGuideStory ?? config.storyblok.styleGuideStory ?? '').trim().replace(/^\/+|\/+$/g, '')
  if (!slug || !styleGuides) return undefined
  const guide = await styleGuides.load(body.spaceId, slug, signal)
  if (guide.status === 'missing') {
    await emit({
      event: 'notice',
      data: {
        code: 'style_guide_missing',
        slug,
        message: `No style guide story found at “${slug}”; answering without the brand voice. Create the story or fix the styleGuideStory option.`,
      },
    })
    return undefined
  }
  if (guide.status === 'unavailable') {
    await emit({
      event: 'notice',
      data: {
        code: 'style_guide_unavailable',
        slug,
        message: `The style guide “${slug}” could not be read (${guide.message}); answering without it.`,
      },
    })
    return undefined
  }
  await emit({
    event: 'notice',
    data: {
      code: 'style_guide_active',
      slug,
      storyId: guide.storyId,
      message: `Writing in the brand voice from “${guide.name}” (${slug}).`,
    },
  })
  if (guide.truncated) {
    await emit({
      event: 'notice',
      data: {
        code: 'style_guide_truncated',
        slug,
        storyId: guide.storyId,
        message: `The style guide is long (${guide.originalChars} characters); only the first part is used.`,
      },
    })
  }
  return guide.text
}
