import { describe, expect, it } from 'vitest'
import { reduce, selectedChanges, toChangeInput } from '../../../plugin/src/state.ts'
import { PluginError } from '../../../plugin/src/pluginError.ts'
import { proposedChange, run } from '../../support/proposedChange.ts'

const change = proposedChange

describe('assistant state', () => {
  it('streams text and changes, then records the answer in the thread', () => {
    const s = run(
      { type: 'send', prompt: 'Shorten' },
      { type: 'text', delta: 'Here ' },
      { type: 'change', change: change('1') },
      { type: 'text', delta: 'you go' },
    )
    expect(s.status.type).toBe('generating')
    expect(s.streaming).toBe('Here you go')
    expect(s.changes.map((c) => c.change.id)).toEqual(['1'])
    const done = reduce(s, { type: 'finished' })
    expect(done.status.type).toBe('idle')
    expect(done.messages).toEqual([
      { role: 'user', content: 'Shorten' },
      { role: 'assistant', content: 'Here you go' },
    ])
    expect(done.streaming).toBe('')
  })

  it('keeps the editor’s selection and edits when the final proposal arrives', () => {
    const s = run(
      { type: 'send', prompt: 'x' },
      { type: 'change', change: change('1') },
      { type: 'change', change: change('2') },
      { type: 'toggle', id: '1', selected: false },
      { type: 'edit', id: '2', after: 'mine' },
      {
        type: 'proposal',
        proposal: {
          changeSetId: 'cs',
          storyId: 1,
          baseVersion: 'v',
          changes: [change('1'), change('2'), change('3', { invalid: 'too long' })],
        },
      },
    )
    expect(s.changes.map((c) => [c.change.id, c.selected, c.after])).toEqual([
      ['1', false, 'new 1'],
      ['2', true, 'mine'],
      ['3', false, 'new 3'],
    ])
    expect(selectedChanges(s).map(toChangeInput)).toEqual([
      { blockUid: 'b-2', field: 'headline', language: 'default', before: 'old', after: 'mine' },
    ])
  })

  it('never selects an invalid change', () => {
    const s = run(
      { type: 'send', prompt: 'x' },
      { type: 'change', change: change('1', { invalid: 'bad' }) },
      { type: 'toggle', id: '1', selected: true },
    )
    expect(selectedChanges(s)).toEqual([])
  })

  it('keeps a cancelled partial answer and returns to idle', () => {
    const s = run({ type: 'send', prompt: 'x' }, { type: 'text', delta: 'Part' }, { type: 'cancelled' })
    expect(s.status.type).toBe('idle')
    expect(s.messages.at(-1)).toEqual({ role: 'assistant', content: 'Part' })
  })

  it('offers undo after apply, marks applied changes and clears them on undo', () => {
    const applied = run(
      { type: 'send', prompt: 'x' },
      { type: 'change', change: change('1') },
      { type: 'checkStart' },
      { type: 'applyStart' },
      {
        type: 'applied',
        undo: [{ blockUid: 'b-1', field: 'headline', before: 'new 1', after: 'old' }],
        changeIds: ['1'],
      },
    )
    expect(applied.status.type).toBe('applied')
    expect(applied.lastApply?.undo).toHaveLength(1)
    expect(selectedChanges(applied)).toEqual([])
    const undone = reduce(reduce(applied, { type: 'undoStart' }), { type: 'undone' })
    expect(undone.lastApply).toBeUndefined()
    expect(undone.changes[0]?.applied).toBe(false)
  })

  it('shows conflicts with the labels of the changes they hit', () => {
    const s = run(
      { type: 'send', prompt: 'x' },
      { type: 'change', change: change('1') },
      { type: 'conflict', conflicts: [{ blockUid: 'b-1', field: 'headline', expected: 'old', actual: 'human' }] },
    )
    expect(s.status).toEqual({
      type: 'conflict',
      conflicts: [
        {
          label: 'Page › Hero › 1',
          fieldType: 'text',
          expected: 'old',
          actual: 'human',
          blockUid: 'b-1',
          field: 'headline',
          changeId: '1',
        },
      ],
    })
  })

  it('keeps the prompt for a retry after a failure and ignores dismiss while busy', () => {
    const error = new PluginError({ code: 'bedrock_throttled', message: 'busy' })
    const failed = run({ type: 'send', prompt: 'x' }, { type: 'failed', error, retry: 'send' })
    expect(failed.status).toStrictEqual({ type: 'error', error, retry: 'send' })
    expect(failed.messages).toEqual([{ role: 'user', content: 'x' }])
    expect(reduce(failed, { type: 'retrySend' }).status.type).toBe('generating')
    expect(reduce(run({ type: 'send', prompt: 'x' }), { type: 'dismiss' }).status.type).toBe('generating')
  })
})
