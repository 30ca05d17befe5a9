import type { ConversationBody } from '../../shared/contract.ts'
import { targetKey, type StoryOutline } from '../story/storyOutline.ts'

/**
 * What the editor has selected, as a line for their latest message. It changes from turn to turn, so it stays out
 * of the cached outline: a new selection must not invalidate the cache of the whole story.
 */
export function focusNote(outline: StoryOutline, focus: ConversationBody['focus']): string | undefined {
  if (!focus?.blockUid) return undefined
  const field = focus.field ? outline.targets.get(targetKey(focus.blockUid, focus.field)) : undefined
  const any = [...outline.targets.values()].find((t) => t.blockUid === focus.blockUid && t.field.type !== 'bloks')
  const place = field?.label ?? any?.label.split(' › ').slice(0, -1).join(' › ')
  return [
    `EDITOR FOCUS: block uid ${focus.blockUid}`,
    place ? ` (${place})` : '',
    field ? `, field ${field.field.name}` : '',
    '. "This", "here" or "the selected one" means it.',
  ].join('')
}
