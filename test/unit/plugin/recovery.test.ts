import { describe, expect, it } from 'vitest'
import { initialState, reduce, selectedChanges, type Action } from '../../../plugin/src/state.ts'
import { storyShowsWrite } from '../../../plugin/src/draftCheck.ts'
import { PluginError } from '../../../plugin/src/pluginError.ts'
import { proposedChange, run } from '../../support/proposedChange.ts'

const change = (id: string) => proposedChange(id, { label: `Hero ${id}` })
const proposed = (): Action[] => [
  { type: 'send', prompt: 'x' },
  { type: 'change', change: change('1') },
  { type: 'change', change: change('2') },
  { type: 'finished' },
]
const written = [{ blockUid: 'b-1', field: 'headline', language: 'default', before: 'old', after: 'new 1' }]

describe('recovery states (issue 13)', () => {
  it('every write asks for a reload until the story shows it', () => {
    const applied = run(...proposed(), { type: 'applyStart' }, { type: 'applied', undo: [], changeIds: ['1'], written })
    expect(applied.mustReload).toEqual(written)
    expect(reduce(applied, { type: 'dismiss' }).mustReload).toEqual(written) // not dismissable
    expect(reduce(applied, { type: 'storySeen' }).mustReload).toBeUndefined()
    const content = { _uid: 'root', component: 'page', body: [{ _uid: 'b-1', component: 'hero', headline: 'new 1' }] }
    expect(storyShowsWrite(content, written)).toBe(true)
    expect(storyShowsWrite({ ...content, body: [{ _uid: 'b-1', headline: 'old' }] }, written)).toBe(false)
  })

  it('a field another writer saved at the same moment: a conflict, that change not marked applied', () => {
    const s = run(...proposed(), {
      type: 'applied',
      undo: [],
      changeIds: ['1', '2'],
      written,
      conflicts: [{ blockUid: 'b-2', field: 'headline', language: 'default', expected: 'old', actual: 'theirs' }],
    })
    expect(s.status.type).toBe('conflict')
    expect(s.changes.map((c) => [c.change.id, c.applied])).toEqual([
      ['1', true],
      ['2', false],
    ])
  })

  it('conflicts: keep theirs deselects the change; use the assistant’s re-bases it on their text', () => {
    const conflicts = [
      { blockUid: 'b-1', field: 'headline', expected: 'old', actual: 'theirs 1' },
      { blockUid: 'b-2', field: 'headline', expected: 'old', actual: 'theirs 2' },
    ]
    const s = run(...proposed(), { type: 'conflict', conflicts })
    const kept = reduce(s, { type: 'keepTheirs', index: 0 })
    expect(kept.changes.find((c) => c.change.id === '1')?.selected).toBe(false)
    expect(kept.status.type === 'conflict' && kept.status.conflicts.map((c) => c.actual)).toEqual(['theirs 2'])
    const ours = reduce(kept, { type: 'useAssistant', index: 0 })
    expect(ours.status.type).toBe('idle')
    expect(ours.changes.find((c) => c.change.id === '2')?.change.before).toBe('theirs 2')
    expect(selectedChanges(ours).map((c) => c.change.id)).toEqual(['2'])
  })

  it('the draft could not be read: a choice, not a dead end; the proposal survives a reload', () => {
    const error = new PluginError({ code: 'timeout', message: 'no answer' })
    const s = run(...proposed(), { type: 'checkStart' }, { type: 'draftUnavailable', error })
    expect(s.status).toEqual({ type: 'draftUnavailable', error })
    expect(s.changes).toHaveLength(2)
    const { messages, changes, proposal, lastApply } = s
    const resumed = reduce(initialState, { type: 'resume', kept: { messages, changes, proposal, lastApply } })
    expect(resumed.changes.map((c) => c.change.id)).toEqual(['1', '2'])
    expect(resumed.messages).toEqual(messages)
  })

  it('a restore or undo from the ledger ends like an apply or undo, with the reload notice', () => {
    const restored = run({ type: 'applyStart' }, { type: 'ledgerWritten', reason: 'apply', written })
    expect(restored.status.type).toBe('applied')
    expect(restored.mustReload).toEqual(written)
    const undone = run({ type: 'undoStart' }, { type: 'ledgerWritten', reason: 'undo', written })
    expect(undone.status).toEqual({ type: 'undone', conflicts: [] })
  })
})
