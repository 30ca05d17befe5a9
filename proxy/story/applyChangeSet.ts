import { planChangeSet } from './planChangeSet.ts'
import { writePlan, type ChangeSetInput, type ChangeSetResult } from './writePlan.ts'

/**
 * Latest saved content + an accepted proposal → the content to PUT. All or nothing: one invalid change or one field
 * edited since the proposal refuses the whole set. Values are checked as strictly as the proposal was.
 */
export function applyChangeSet(input: ChangeSetInput): ChangeSetResult {
  const plan = planChangeSet(input, { markdownToRichtext: input.markdownToRichtext })
  if (plan.problems.length) return { type: 'refused', problems: plan.problems }
  return writePlan(plan, input, 'apply')
}
