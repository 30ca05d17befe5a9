import { describe, expect, it } from 'vitest'
import { modelCapabilities, modelName } from '../../proxy/proposal/modelCapabilities.ts'
import { DEFAULT_MODEL_ID } from '../../proxy/loadConfig.ts'

describe('modelName', () => {
  it.each([
    ['us.anthropic.claude-sonnet-4-6', 'claude-sonnet-4-6'],
    ['global.anthropic.claude-sonnet-4-5-20250929-v1:0', 'claude-sonnet-4-5-20250929-v1:0'],
    ['apac.anthropic.claude-haiku-4-5-20251001-v1:0', 'claude-haiku-4-5-20251001-v1:0'],
    ['us-gov.anthropic.claude-3-7-sonnet-20250219-v1:0', 'claude-3-7-sonnet-20250219-v1:0'],
    ['anthropic.claude-opus-4-6-v1', 'claude-opus-4-6-v1'],
    ['arn:aws:bedrock:eu-central-1:123456789012:inference-profile/eu.anthropic.claude-sonnet-4-6', 'claude-sonnet-4-6'],
    [
      'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-opus-4-5-20251101-v1:0',
      'claude-opus-4-5-20251101-v1:0',
    ],
  ])('%s → %s', (id, name) => expect(modelName(id)).toBe(name))
})

describe('modelCapabilities', () => {
  it.each([
    ['us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'claude-sonnet-4-5'],
    ['eu.anthropic.claude-sonnet-4-6', 'claude-sonnet-4-6'],
    ['global.anthropic.claude-haiku-4-5-20251001-v1:0', 'claude-haiku-4-5'],
    ['us.anthropic.claude-opus-4-5-20251101-v1:0', 'claude-opus-4-5'],
    ['global.anthropic.claude-opus-4-6-v1', 'claude-opus-4-6'],
    ['us.anthropic.claude-opus-4-7', 'claude-opus-4-7'],
    ['us.anthropic.claude-sonnet-5', 'claude-sonnet-5'],
    ['us.anthropic.claude-sonnet-5-5', 'claude-sonnet-5-5'],
    ['us.anthropic.claude-sonnet-4-20250514-v1:0', 'claude-sonnet-4'],
    ['us.anthropic.claude-opus-4-1-20250805-v1:0', 'claude-opus-4-1'],
    ['us.anthropic.claude-opus-4-20250514-v1:0', 'claude-opus-4'],
    ['us.anthropic.claude-3-7-sonnet-20250219-v1:0', 'claude-3-7-sonnet'],
    ['anthropic.claude-3-5-haiku-20241022-v1:0', 'claude-3-5-haiku'],
    ['anthropic.claude-3-haiku-20240307-v1:0', 'claude-3-haiku'],
  ])('%s is %s', (id, family) => expect(modelCapabilities(id).family).toBe(family))

  it('the default model forces tools, takes strict schemas and caches from 2,048 tokens', () => {
    expect(modelCapabilities(DEFAULT_MODEL_ID)).toEqual({
      family: 'claude-sonnet-4-6',
      toolUse: true,
      forcedToolChoice: true,
      strictTools: true,
      cacheMinTokens: 2048,
      maxCachePoints: 4,
      maxOutputTokens: 128_000,
      reasoning: 'optional',
    })
  })

  it('documented differences: Haiku 4.5 caches from 4,096; Sonnet 5.5 rejects forced choice and always reasons', () => {
    expect(modelCapabilities('us.anthropic.claude-haiku-4-5-20251001-v1:0').cacheMinTokens).toBe(4096)
    expect(modelCapabilities('us.anthropic.claude-sonnet-4-5-20250929-v1:0').cacheMinTokens).toBe(1024)
    expect(modelCapabilities('us.anthropic.claude-sonnet-5-5')).toMatchObject({
      forcedToolChoice: false,
      strictTools: false,
      reasoning: 'always',
    })
    expect(modelCapabilities('us.anthropic.claude-sonnet-4-20250514-v1:0').strictTools).toBe(false)
  })

  it('a newer, unlisted Claude gets conservative defaults', () => {
    expect(modelCapabilities('global.anthropic.claude-sonnet-6')).toMatchObject({
      family: 'claude-unknown',
      forcedToolChoice: false,
      strictTools: false,
      cacheMinTokens: 4096,
      reasoning: 'always',
    })
    // A date or version the table does not list never matches a neighbouring family.
    expect(modelCapabilities('us.anthropic.claude-sonnet-4-7').family).toBe('claude-unknown')
  })

  it('non-Claude ids and opaque application profiles assume nothing', () => {
    for (const id of [
      'amazon.nova-pro-v1:0',
      'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5',
    ]) {
      expect(modelCapabilities(id)).toMatchObject({
        family: 'unknown',
        forcedToolChoice: false,
        strictTools: false,
        cacheMinTokens: undefined,
        maxOutputTokens: 4096,
      })
    }
  })

  it('takes the family the operator names for an opaque application inference profile', () => {
    const arn = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5'
    expect(modelCapabilities(arn, 'claude-haiku-4-5')).toMatchObject({
      family: 'claude-haiku-4-5',
      cacheMinTokens: 4096,
    })
  })

  it('returns a fresh object, so a port can learn what its model rejects', () => {
    const a = modelCapabilities(DEFAULT_MODEL_ID)
    a.forcedToolChoice = false
    expect(modelCapabilities(DEFAULT_MODEL_ID).forcedToolChoice).toBe(true)
  })
})
