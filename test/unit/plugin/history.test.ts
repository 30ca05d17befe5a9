import { describe, expect, it } from 'vitest'
import { fieldValueFrom } from '../../../plugin/src/history.ts'

const entry = {
  at: '2026-11-25T10:00:00.000Z',
  reason: 'apply',
  transcript: 'Shorten',
  changes: [{ blockUid: 'b', field: 'headline', before: 'a', after: 'b' }],
}

describe('the plugin’s field value', () => {
  it('treats untouched values as an empty history', () => {
    for (const raw of ['', null, undefined, 'not json', 42, { plugin: 'x' }])
      expect(fieldValueFrom(raw)).toEqual({ v: 1, history: [] })
  })

  it('reads the current shape, a v0 bare list and a JSON string', () => {
    expect(fieldValueFrom({ v: 1, history: [entry], plugin: 'storyblok-voice-assistant' }).history).toEqual([entry])
    expect(fieldValueFrom([entry]).history).toEqual([entry])
    expect(fieldValueFrom(JSON.stringify({ history: [entry] })).history).toEqual([entry])
  })

  it('drops malformed entries instead of failing', () => {
    expect(fieldValueFrom({ v: 1, history: [entry, { nope: true }, 'x', null] }).history).toEqual([entry])
  })
})
