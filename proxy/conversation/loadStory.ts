import { isAppError } from '../http/appError.ts'
import type { Component, Deps, Story } from '../deps.ts'
import type { ConversationContext } from './runConversation.ts'

/**
 * The story and its schemas for a story-aware turn, or undefined (with a notice when loading failed) so the
 * conversation still answers in text.
 */
export async function loadStory(
  deps: Pick<Deps, 'config' | 'storyblok' | 'log'>,
  { body, signal, emit, requestId, storyReads }: ConversationContext,
): Promise<{ story: Story; components: Component[] } | undefined> {
  if (deps.config.auth.mode === 'shared-token' && !deps.config.storyblok.token) return undefined
  try {
    const at = { releaseId: body.releaseId || undefined }
    const [story, components] = await Promise.all([
      storyReads
        ? storyReads.get(body.spaceId, body.storyId, signal, at)
        : deps.storyblok.getStory(body.spaceId, body.storyId, signal, at),
      deps.storyblok.getComponents(body.spaceId, signal),
    ])
    return { story, components }
  } catch (err) {
    if (signal.aborted) throw err
    const code = isAppError(err) ? err.code : 'internal'
    deps.log.warn('story not loaded for conversation', { requestId, code })
    await emit({
      event: 'notice',
      data: {
        code: 'story_unavailable',
        message: `The story could not be read (${code}), so no changes can be proposed this time.`,
      },
    })
    return undefined
  }
}
