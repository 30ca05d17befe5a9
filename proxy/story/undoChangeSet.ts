import { isConflict, isInvalid } from './changeProblem.ts'
import { planChangeSet } from './planChangeSet.ts'
import { writePlan, type ChangeSetInput, type ChangeSetResult } from './writePlan.ts'

/**
 * Latest saved content + the undo set an apply returned → the content to PUT. It restores what was there before: a
 * value may be removed again (it did not exist), and richtext is checked by shape only, since the editor may have
 * written marks the assistant never writes. A field a human changed since the apply is left alone and reported;
 * only when every field was changed is the undo refused.
 */
export function undoChangeSet(input: ChangeSetInput): ChangeSetResult {
  const plan = planChangeSet(input, {
    markdownToRichtext: input.markdownToRichtext,
    allowRemove: true,
    lenientRichtext: true,
  })
  const conflicts = plan.problems.filter(isConflict)
  if (plan.problems.some(isInvalid) || (conflicts.length && !plan.planned.length))
    return { type: 'refused', problems: plan.problems }
  return writePlan(plan, input, 'undo', conflicts)
}
