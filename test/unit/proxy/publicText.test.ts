import { describe, expect, it } from 'vitest'
import { publicModelId, publicText } from '../../../proxy/http/publicText.ts'

describe('publicText', () => {
  it('replaces ARNs, account ids and internal URLs, keeps public documentation links', () => {
    const aws =
      'User: arn:aws:sts::123456789012:assumed-role/voice-proxy/session is not authorized on arn:aws:bedrock:us-east-1:123456789012:inference-profile/x'
    expect(publicText(aws)).toBe('User: (an AWS resource) is not authorized on (an AWS resource)')
    expect(publicText('account 123456789012 has no access')).toBe('account (an AWS account) has no access')
    expect(publicText('could not reach http://10.0.3.7:4566/model and http://169.254.170.2/creds')).toBe(
      'could not reach (an internal address) and (an internal address)',
    )
    const docs =
      'See https://docs.aws.amazon.com/bedrock/latest/userguide/model-access.html or https://www.storyblok.com/docs'
    expect(publicText(docs)).toBe(docs)
    // Longer numbers (space ids, timestamps) and ordinary text stay.
    expect(publicText('space 288868932106293 at 1764758400000, 3 fields')).toBe(
      'space 288868932106293 at 1764758400000, 3 fields',
    )
  })
})

describe('publicModelId', () => {
  it('drops account and region from an ARN, keeps profile and model ids', () => {
    expect(publicModelId('arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5')).toBe(
      'application-inference-profile/a1b2c3d4e5',
    )
    expect(publicModelId('us.anthropic.claude-sonnet-4-6')).toBe('us.anthropic.claude-sonnet-4-6')
  })
})
