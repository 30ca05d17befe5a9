import { describe, expect, it } from 'vitest'
import { parseReviewCommand } from '../../../plugin/src/review/parseReviewCommand.ts'

const parse = (text: string) => parseReviewCommand(text, { count: 4 })

describe('spoken review commands (English)', () => {
  it.each([
    ['apply', { type: 'apply' }],
    ['Apply.', { type: 'apply' }],
    ['apply please', { type: 'apply' }],
    ['apply all', { type: 'apply', all: true }],
    ['accept everything', { type: 'apply', all: true }],
    ['apply all changes', { type: 'apply', all: true }],
    ['apply all but the second', { type: 'apply', except: [2] }],
    ['Apply all but the second.', { type: 'apply', except: [2] }],
    ['apply everything except the first and the third', { type: 'apply', except: [1, 3] }],
    ['apply all except number 2', { type: 'apply', except: [2] }],
    ['apply all but the last one', { type: 'apply', except: [4] }],
    ['apply one and three', { type: 'apply', only: [1, 3] }],
    ['apply 1 and 3', { type: 'apply', only: [1, 3] }],
    ['apply 1, 3', { type: 'apply', only: [1, 3] }],
    ['apply changes one & three', { type: 'apply', only: [1, 3] }],
    ['take the first one', { type: 'apply', only: [1] }],
    ['apply only the second', { type: 'apply', only: [2] }],
    ['apply the 1st and 2nd', { type: 'apply', only: [1, 2] }],
    ['apply two to four', { type: 'apply', only: [2, 3, 4] }],
    ['keep the third', { type: 'apply', only: [3] }],
    ['undo', { type: 'undo' }],
    ['Undo that.', { type: 'undo' }],
    ['undo the last apply', { type: 'undo' }],
    ['cancel', { type: 'cancel' }],
    ['discard the changes', { type: 'cancel' }],
    ['never mind', { type: 'cancel' }],
    ['read it back', { type: 'readBack' }],
    ['read them out loud', { type: 'readBack' }],
    ['read back', { type: 'readBack' }],
    ['new conversation', { type: 'newConversation' }],
    ['Start a new conversation.', { type: 'newConversation' }],
  ])('%s', (said, command) => {
    expect(parse(said)).toEqual(command)
  })
})

describe('spoken review commands (German)', () => {
  it.each([
    ['übernehmen', { type: 'apply' }],
    ['Bitte übernehmen', { type: 'apply' }],
    ['alle übernehmen', { type: 'apply', all: true }],
    ['alles übernehmen', { type: 'apply', all: true }],
    ['alle außer der zweiten übernehmen', { type: 'apply', except: [2] }],
    ['Übernimm alles außer dem zweiten', { type: 'apply', except: [2] }],
    ['alle ausser Nummer 2 übernehmen', { type: 'apply', except: [2] }],
    ['alle bis auf die letzte übernehmen', { type: 'apply', except: [4] }],
    ['eins und drei übernehmen', { type: 'apply', only: [1, 3] }],
    ['Eins und drei übernehmen.', { type: 'apply', only: [1, 3] }],
    ['nur die erste und die dritte übernehmen', { type: 'apply', only: [1, 3] }],
    ['Nimm die zweite an', { type: 'apply', only: [2] }],
    ['Änderung 1 und 3 anwenden', { type: 'apply', only: [1, 3] }],
    ['zwei bis vier übernehmen', { type: 'apply', only: [2, 3, 4] }],
    ['rückgängig', { type: 'undo' }],
    ['Rückgängig machen', { type: 'undo' }],
    ['mach das rückgängig', { type: 'undo' }],
    ['abbrechen', { type: 'cancel' }],
    ['alles verwerfen', { type: 'cancel' }],
    ['vorlesen', { type: 'readBack' }],
    ['Lies es vor', { type: 'readBack' }],
    ['lies die Änderungen vor', { type: 'readBack' }],
    ['neues Gespräch', { type: 'newConversation' }],
    ['Neue Unterhaltung beginnen', { type: 'newConversation' }],
  ])('%s', (said, command) => {
    expect(parse(said)).toEqual(command)
  })
})

describe('anything else goes to Claude as a refinement', () => {
  it.each([
    'shorter',
    'more formal',
    'make the second one shorter',
    'apply a more formal tone',
    'take out the exclamation marks',
    'use British spelling',
    'keep it under 60 characters',
    'kürzer bitte',
    'übernimm den Ton aus der Einleitung',
    'the second headline is too long',
    '',
    'read the style guide',
  ])('%s', (said) => {
    expect(parse(said)).toBeUndefined()
  })
})
