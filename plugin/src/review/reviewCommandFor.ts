import type { Pending } from '../composer/useComposer.ts'
import type { Messages } from '../i18n.ts'
import type { AssistantState } from '../state.ts'
import { changesToApply } from './changesToApply.ts'
import { parseReviewCommand } from './parseReviewCommand.ts'

export type ReviewActions = {
  applyOnly(ids: string[]): void
  undo(): void
  discard(): void
  readBack(): void
  newConversation(): void
}

/**
 * A spoken command that acts on the open proposal without Claude, named as its button is ("Undo"); undefined
 * when the words are a request for Claude or the command has nothing to act on (no proposal, nothing to undo).
 */
export function reviewCommandFor(
  spoken: string,
  { state, t, actions }: { state: AssistantState; t: Messages; actions: ReviewActions },
): Pending | undefined {
  const command = parseReviewCommand(spoken, { count: state.changes.length })
  if (!command) return undefined
  const open = state.changes.some((c) => !c.applied && !c.change.invalid)
  const run = (summary: string, fn: () => void): Pending => ({ type: 'command', summary, run: fn })
  switch (command.type) {
    case 'apply': {
      const target = open ? changesToApply(command, state.changes) : undefined
      return target && run(t.cmdApply(target.positions), () => actions.applyOnly(target.ids))
    }
    case 'undo':
      return state.lastApply ? run(t.undo, actions.undo) : undefined
    case 'cancel':
      return open ? run(t.cancel, actions.discard) : undefined
    case 'readBack':
      return open ? run(t.readBack, actions.readBack) : undefined
    case 'newConversation':
      return state.messages.length ? run(t.newConversation, actions.newConversation) : undefined
  }
}
