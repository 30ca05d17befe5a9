import type { Conflict } from '../../shared/contract.ts'

type Place = { blockUid: string; field: string; language: string }

/**
 * Why one change of a set cannot be written as asked: its target or value breaks the schema (`invalid`), or the saved
 * value is no longer the change's `before` (`conflict`, e.g. a human edited the field or removed the block since).
 */
export type ChangeProblem =
  (Place & { kind: 'invalid'; reason: string }) | (Place & { kind: 'conflict'; expected: unknown; actual: unknown })

export type InvalidProblem = Extract<ChangeProblem, { kind: 'invalid' }>
export type ConflictProblem = Extract<ChangeProblem, { kind: 'conflict' }>

export const isInvalid = (p: ChangeProblem): p is InvalidProblem => p.kind === 'invalid'
export const isConflict = (p: ChangeProblem): p is ConflictProblem => p.kind === 'conflict'

/** The wire's `Conflict` (reply `conflicts`, error details): the same fields without the kind. */
export const toConflict = ({ blockUid, field, language, expected, actual }: ConflictProblem): Conflict => ({
  blockUid,
  field,
  language,
  expected,
  actual,
})
