import { describe, expect, it } from 'vitest'
import { langFor, messagesFor } from '../../../plugin/src/i18n.ts'
import { editorError } from '../../../plugin/src/editorError.ts'
import { PluginError } from '../../../plugin/src/pluginError.ts'

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

  it('has no untranslated German string: every key present and different from the English one', () => {
    // Words that are the same in both languages; anything else identical to English is a missing translation.
    const SAME = new Set(['details'])
    const leaves = (value: unknown, path: string): Array<[string, unknown]> => {
      if (typeof value === 'function') return [[path, path.endsWith('cmdApply') ? value([1, 3]) : value(2, 3)]]
      if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, `${path}.${i}`))
      if (value && typeof value === 'object')
        return Object.entries(value).flatMap(([k, v]) => leaves(v, `${path}.${k}`))
      return [[path, value]]
    }
    const en = new Map(leaves(messagesFor('en'), 't'))
    const de = new Map(leaves(messagesFor('de'), 't'))
    expect([...de.keys()].sort()).toEqual([...en.keys()].sort())
    const untranslated = [...de].filter(
      ([path, text]) =>
        typeof text === 'string' && text === en.get(path) && !SAME.has(path.split('.')[1]!) && !/fieldType$/.test(path),
    )
    expect(untranslated).toEqual([])
  })

  it("explains every refusal of a change set in both languages, in the editor's words", () => {
    const codes = ['change_token_invalid', 'change_token_expired', 'change_not_proposed', 'publish_disabled']
    for (const lang of ['en', 'de']) {
      const t = messagesFor(lang)
      for (const code of codes) {
        const text = editorError(new PluginError({ code, message: 'x' }), 'apply', t)
        expect(text.what, `${lang} ${code}`).not.toBe(t.errors.unknown.what)
      }
    }
  })
})
