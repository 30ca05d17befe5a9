import type { Change } from '../../shared/contract.ts'
import { initialState, reduce, type Action, type AssistantState } from '../../plugin/src/state.ts'

/** A proposed change to the hero headline of block `b-<id>`, as the plugin's state holds it. */
export const proposedChange = (id: string, extra: Partial<Change> = {}): Change => ({
  id,
  blockUid: `b-${id}`,
  component: 'hero',
  field: 'headline',
  fieldType: 'text',
  language: 'default',
  before: 'old',
  after: `new ${id}`,
  label: `Page › Hero › ${id}`,
  ...extra,
})

/** The plugin's state after these actions, from the initial state. */
export const run = (...actions: Action[]): AssistantState => actions.reduce<AssistantState>(reduce, initialState)
