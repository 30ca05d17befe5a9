import { describe, expect, it } from 'vitest'
import { transcribeLanguageFor } from '../../proxy/transcript/transcribeLanguage.ts'

describe('transcribeLanguageFor', () => {
  it.each([
    ['de', 'de-DE'],
    ['en', 'en-US'],
    ['de-DE', 'de-DE'],
    ['de_de', 'de-DE'],
    ['DE-ch', 'de-CH'],
    ['de-AT', 'de-DE'],
    ['en-GB', 'en-GB'],
    ['en-uk', 'en-GB'],
    ['pt', 'pt-BR'],
    ['pt-PT', 'pt-PT'],
    ['zh-Hant-TW', 'zh-TW'],
    ['es', 'es-US'],
    ['fr-CA', 'fr-CA'],
  ])('maps %s to %s', (tag, code) => {
    expect(transcribeLanguageFor(tag)).toBe(code)
  })

  it.each([['default'], [''], [undefined], [null], ['klingon-language'], ['xx']])('falls back for %s', (tag) => {
    expect(transcribeLanguageFor(tag, 'de-DE')).toBe('de-DE')
  })
})
