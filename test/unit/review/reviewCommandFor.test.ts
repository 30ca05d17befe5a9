import { describe, expect, it } from 'vitest'
import type { Change } from '../../../shared/contract.ts'
import { messagesFor } from '../../../plugin/src/i18n.ts'
import { readBack, readBackText } from '../../../plugin/src/review/readBack.ts'
import { reviewCommandFor, type ReviewActions } from '../../../plugin/src/review/reviewCommandFor.ts'
import { initialState, reduce, selectedChanges } from '../../../plugin/src/state.ts'
import { proposedChange, run } from '../../support/proposedChange.ts'

const change = (id: string, extra: Partial<Change> = {}) =>
  proposedChange(id, { label: `Page › Hero › Headline ${id}`, ...extra })
const proposed = (...changes: Change[]) =>
  run(
    { type: 'send', prompt: 'Rewrite' },
    { type: 'proposal', proposal: { changeSetId: 'cs', storyId: 1, baseVersion: 'v1', changes } },
    { type: 'finished' },
  )

function recorder() {
  const log: string[] = []
  const actions: ReviewActions = {
    applyOnly: (ids) => log.push(`apply ${ids.join(',')}`),
    undo: () => log.push('undo'),
    discard: () => log.push('discard'),
    readBack: () => log.push('read'),
    newConversation: () => log.push('new'),
  }
  return { log, actions }
}

describe('spoken commands on the open proposal', () => {
  const t = messagesFor('en')

  it('"apply all but the second" applies exactly the others, and says so first', () => {
    const { log, actions } = recorder()
    const p = reviewCommandFor('apply all but the second', {
      state: proposed(change('a'), change('b'), change('c')),
      t,
      actions,
    })
    expect(p?.summary).toBe('apply changes 1 and 3')
    expect(log).toEqual([])
    p?.run?.()
    expect(log).toEqual(['apply a,c'])
  })

  it('skips invalid changes, refuses to name one that cannot be applied, and says it in German', () => {
    const { log, actions } = recorder()
    const state = proposed(change('a'), change('b', { invalid: 'too long' }), change('c'))
    expect(reviewCommandFor('apply all', { state, t, actions })?.summary).toBe('apply changes 1 and 3')
    expect(reviewCommandFor('apply two', { state, t, actions })).toBeUndefined()
    expect(reviewCommandFor('apply five', { state, t, actions })).toBeUndefined()
    const de = reviewCommandFor('eins übernehmen', { state, t: messagesFor('de'), actions })
    expect(de?.summary).toBe('Änderung 1 übernehmen')
    expect(log).toEqual([])
  })

  it('"undo" only when there is an apply to undo; "new conversation" only with a thread', () => {
    const { actions } = recorder()
    const state = proposed(change('a'))
    expect(reviewCommandFor('undo', { state, t, actions })).toBeUndefined()
    const applied = reduce(state, { type: 'applied', undo: [], changeIds: ['a'] })
    expect(reviewCommandFor('undo', { state: applied, t, actions })?.summary).toBe('Undo')
    expect(reviewCommandFor('new conversation', { state: initialState, t, actions })).toBeUndefined()
    expect(reviewCommandFor('neues Gespräch', { state, t, actions })?.summary).toBe('New conversation')
  })

  it('refinements are not commands', () => {
    const { actions } = recorder()
    expect(reviewCommandFor('shorter please', { state: proposed(change('a')), t, actions })).toBeUndefined()
  })
})

describe('state for spoken commands', () => {
  it('selectOnly selects exactly the named changes; discard drops the open proposal; reset keeps Undo', () => {
    const s = proposed(change('a'), change('b'), change('c'))
    expect(selectedChanges(reduce(s, { type: 'selectOnly', ids: ['a', 'c'] })).map((c) => c.change.id)).toEqual([
      'a',
      'c',
    ])
    const applied = reduce(s, {
      type: 'applied',
      undo: [{ blockUid: 'b-a', field: 'headline', before: 'new a', after: 'old' }],
      changeIds: ['a'],
    })
    const discarded = reduce(applied, { type: 'discard' })
    expect(discarded.changes.map((c) => c.change.id)).toEqual(['a'])
    expect(discarded.proposal).toBeUndefined()
    const fresh = reduce(applied, { type: 'reset' })
    expect(fresh.messages).toEqual([])
    expect(fresh.changes).toEqual([])
    expect(fresh.lastApply?.changeIds).toEqual(['a'])
  })
})

describe('read it back', () => {
  it('speaks each open change by number, field and proposed text, in the interface language', () => {
    const s = proposed(change('a'), change('b'))
    expect(readBackText(s.changes)).toEqual(['1. Headline a: new a', '2. Headline b: new b'])
    const spoken: Array<{ text: string; lang: string }> = []
    class Utterance {
      lang = ''
      constructor(readonly text: string) {}
    }
    readBack(s.changes, 'de', {
      speechSynthesis: {
        speak: (u) => spoken.push({ text: (u as unknown as Utterance).text, lang: u.lang }),
        cancel: () => {},
      },
      SpeechSynthesisUtterance: Utterance as unknown as typeof SpeechSynthesisUtterance,
    })
    expect(spoken).toEqual([
      { text: '1. Headline a: new a', lang: 'de' },
      { text: '2. Headline b: new b', lang: 'de' },
    ])
  })
})
