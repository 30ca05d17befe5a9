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
  const configured = config.storyblok.styleGuideStory
  const asked = body.styleGuideStory?.trim().replace(/^\/+|\/+$/g, '')
  // The system prompt reads only the operator's guide: a key holder cannot point it at any story of the space.
  const allowed = !asked || allowedGuide(asked, config.storyblok)
  if (!allowed) {
    await emit({
      event: 'notice',
      data: {
        code: 'style_guide_not_allowed',
        slug: asked.slice(0, 300),
        message: `The style guide “${asked.slice(0, 100)}” is not one this proxy serves${configured ? `; using “${configured}”` : ''}. The operator sets STYLE_GUIDE_STORY (or STYLE_GUIDE_FOLDER for several guides).`,
      },
    })
  }
  const slug = allowed && asked ? asked : (configured ?? '')
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
      message: `Writing in the brand voice from “${guide.name}” (${slug}), last changed${guide.lastAuthor ? ` by ${guide.lastAuthor}` : ''} on ${guide.updatedAt.slice(0, 10)}.`,
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

const SLUG = /^[a-z0-9_-]+(?:\/[a-z0-9_-]+)*$/i

/** STYLE_GUIDE_STORY itself, or a story inside STYLE_GUIDE_FOLDER (a plain full slug: no `..`, no empty parts). */
function allowedGuide(slug: string, { styleGuideStory, styleGuideFolder }: Deps['config']['storyblok']): boolean {
  if (slug === styleGuideStory) return true
  return styleGuideFolder !== undefined && SLUG.test(slug) && slug.startsWith(`${styleGuideFolder}/`)
}
