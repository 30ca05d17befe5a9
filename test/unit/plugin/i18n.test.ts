import { describe, expect, it } from 'vitest'
import { langFor, messagesFor } from '../../../plugin/src/i18n.ts'

describe('UI language from the editor’s interface language', () => {
  it('picks German for de, de-DE and de_AT, English otherwise', () => {
    for (const l of ['de', 'de-DE', 'de_AT', 'DE']) expect(messagesFor(l).send).toBe('Senden')
    for (const l of ['en', 'fr', '', undefined]) expect(messagesFor(l).send).toBe('Send')
    expect(langFor('de-CH')).toBe('de')
    expect(langFor('es')).toBe('en')
  })

  it('has every German string filled in', () => {
    const de = messagesFor('de')
    for (const [key, value] of Object.entries(de)) {
      if (typeof value === 'string') expect(value.trim(), key).not.toBe('')
    }
    expect(de.selectedCount(2, 3)).toBe('2 von 3 ausgewählt')
  })

  it('explains every refusal of a change set in both languages', () => {
    for (const code of ['change_token_invalid', 'change_token_expired', 'change_not_proposed', 'publish_disabled']) {
      expect(messagesFor('en').errorHints[code], code).toEqual(expect.any(String))
      expect(messagesFor('de').errorHints[code], code).toEqual(expect.any(String))
      expect(messagesFor('de').errorHints[code]).not.toBe(messagesFor('en').errorHints[code])
    }
  })
})
