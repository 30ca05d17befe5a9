import { AppError } from '../http/appError.ts'
import { isConflict, isInvalid, toConflict, type ChangeProblem } from '../story/changeProblem.ts'

/**
 * A refused change set as the wire knows it: invalid changes first (`invalid_change`, details.problems), else the
 * fields changed since (`conflict`, details.conflicts). Nothing was saved in either case.
 */
export function refusalError(problems: readonly ChangeProblem[]): AppError {
  const invalid = problems.filter(isInvalid)
  if (invalid.length) {
    return new AppError({
      code: 'invalid_change',
      message: `${invalid.length} change${invalid.length === 1 ? '' : 's'} cannot be saved: ${invalid
        .map((p) => p.reason)
        .join('; ')
        .slice(0, 500)}`,
      hint: 'Fix or drop the listed fields and apply again. Nothing was saved.',
      details: {
        problems: invalid.map(({ blockUid, field, language, reason }) => ({ blockUid, field, language, reason })),
      },
    })
  }
  const conflicts = problems.filter(isConflict).map(toConflict)
  return new AppError({
    code: 'conflict',
    message: `${conflicts.length} field${conflicts.length === 1 ? ' was' : 's were'} changed in Storyblok since the proposal.`,
    hint: 'Nothing was saved. Reload the story and ask again, so the proposal starts from the current text.',
    details: { conflicts },
  })
}
