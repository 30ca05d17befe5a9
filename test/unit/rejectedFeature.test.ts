import { describe, expect, it } from 'vitest'
import { bedrockErrorFromAws } from '../../proxy/adapters/bedrockErrors.ts'
import { rejectedFeature } from '../../proxy/adapters/rejectedFeature.ts'
import { AppError } from '../../proxy/http/appError.ts'
import { MODEL_ERRORS } from '../../dev/simulators/bedrockModels.ts'

const ctx = { modelId: 'us.anthropic.claude-sonnet-5-5', region: 'us-east-1' }
const validation = (message: string) =>
  bedrockErrorFromAws(Object.assign(new Error(message), { name: 'ValidationException' }), ctx)

describe('rejectedFeature', () => {
  it('recognises Bedrock refusing forced tool choice and strict tools', () => {
    expect(rejectedFeature(validation(MODEL_ERRORS.forcedToolChoice))).toBe('forcedToolChoice')
    expect(rejectedFeature(validation(MODEL_ERRORS.strict(0)))).toBe('strictTools')
    expect(rejectedFeature(validation(MODEL_ERRORS.strictSchema(0, '"maxItems" is not supported')))).toBe('strictTools')
  })

  it('leaves every other failure alone', () => {
    expect(rejectedFeature(validation('The provided model identifier is invalid.'))).toBeUndefined()
    expect(rejectedFeature(validation(MODEL_ERRORS.tooManyCachePoints(5)))).toBeUndefined()
    expect(
      rejectedFeature(new AppError({ code: 'bedrock_throttled', message: 'tool_choice "any" not supported' })),
    ).toBe(undefined)
    expect(rejectedFeature(new Error(MODEL_ERRORS.forcedToolChoice))).toBeUndefined()
  })
})
