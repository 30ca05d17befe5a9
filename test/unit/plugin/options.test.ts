import { describe, expect, it } from 'vitest'
import { DEFAULT_PRESETS, parseOptions, parsePresets } from '../../../plugin/src/options.ts'

describe('plugin options', () => {
  it('lists every missing or wrong option for the setup screen', () => {
    const r = parseOptions({ proxyUrl: 'ftp://x', quickActions: '[{"label":' })
    expect(r.ok).toBe(false)
    expect(r.problems?.map((p) => [p.option, p.problem])).toEqual([
      ['proxyUrl', 'invalid_url'],
      ['proxyKey', 'missing'],
      ['quickActions', 'invalid_json'],
    ])
    expect(parseOptions({}).problems?.map((p) => p.option)).toEqual(['proxyUrl', 'proxyKey'])
  })

  it('accepts valid options with the default quick actions', () => {
    const r = parseOptions({ proxyUrl: 'https://voice.example.com', proxyKey: 'k', language: 'de' })
    expect(r.ok && r.options).toMatchObject({
      proxyUrl: 'https://voice.example.com',
      proxyKey: 'k',
      language: 'de',
      presets: DEFAULT_PRESETS,
    })
    expect(DEFAULT_PRESETS.map((p) => p.label)).toEqual([
      'Shorten',
      'Make it friendlier',
      'Translate into German',
      'Write the SEO description',
    ])
  })

  it('parses configured presets and names the broken item', () => {
    expect(
      parsePresets('[{"label":"Punchier","instruction":"Make the headline punchier","fieldType":"text"}]').presets,
    ).toEqual([{ label: 'Punchier', instruction: 'Make the headline punchier', fieldType: 'text' }])
    expect(parsePresets('[{"label":"A","instruction":"a"},{"label":""}]').problem).toMatchObject({
      problem: 'invalid_presets',
      detail: 'item 2 needs a non-empty "label" and "instruction"',
    })
    expect(parsePresets('{"x":1}').problem?.problem).toBe('invalid_presets')
    expect(parsePresets('   ').presets).toBe(DEFAULT_PRESETS)
    const own = [{ label: 'L', instruction: 'I' }]
    expect(
      parseOptions({ proxyUrl: 'https://p.example', proxyKey: 'k' }, { defaultPresets: own }).options?.presets,
    ).toBe(own)
  })
})
