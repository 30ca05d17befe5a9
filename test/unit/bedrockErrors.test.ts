import { describe, expect, it } from 'vitest'
import { bedrockErrorFromAws, baseModelId } from '../../proxy/adapters/bedrockErrors.ts'
import { credentialSourceLabel } from '../../proxy/adapters/credentials.ts'
import { AppError } from '../../proxy/http/appError.ts'

const ctx = { modelId: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', region: 'us-east-1' }

function awsError(name: string, message: string, extra: Record<string, unknown> = {}) {
  return Object.assign(new Error(message), { name, ...extra })
}

const map = (err: unknown, c = ctx) => bedrockErrorFromAws(err, c)

describe('bedrockErrorFromAws', () => {
  it('recognises a missing credential chain by name or by the SDK text', () => {
    expect(map(awsError('CredentialsProviderError', 'whatever')).code).toBe('aws_credentials_missing')
    const plain = map(new Error('Could not load credentials from any providers'))
    expect(plain.code).toBe('aws_credentials_missing')
    expect(plain.hint).toMatch(/AWS_ACCESS_KEY_ID/)
    expect(plain.hint).toMatch(/AWS_PROFILE/)
  })

  it('treats ExpiredToken with and without the Exception suffix as expired credentials', () => {
    expect(map(awsError('ExpiredToken', 'x')).code).toBe('aws_credentials_expired')
    expect(map(awsError('ExpiredTokenException', 'The security token included in the request is expired')).code).toBe(
      'aws_credentials_expired',
    )
  })

  it('explains a signature mismatch as a wrong secret or clock skew', () => {
    const err = map(awsError('InvalidSignatureException', 'The request signature we calculated does not match ...'))
    expect(err.code).toBe('aws_signature_mismatch')
    expect(err.hint).toMatch(/AWS_SECRET_ACCESS_KEY/)
    expect(err.hint).toMatch(/clock/)
  })

  it('names both actions and both ARNs for an IAM denial', () => {
    const err = map(
      awsError(
        'AccessDeniedException',
        'User: arn:aws:iam::1:user/x is not authorized to perform: bedrock:InvokeModel on resource: y',
      ),
    )
    expect(err.code).toBe('bedrock_access_denied')
    expect(err.hint).toContain('bedrock:InvokeModel ')
    expect(err.hint).toContain('bedrock:InvokeModelWithResponseStream')
    expect(err.hint).toContain('inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0')
    expect(err.hint).toContain('foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0')
  })

  it('says model access is not enabled for the marketplace denial, not an IAM gap', () => {
    const err = map(
      awsError(
        'AccessDeniedException',
        'Model access is denied due to IAM user or service role is not authorized to perform the required AWS Marketplace actions',
      ),
    )
    expect(err.code).toBe('bedrock_model_not_enabled')
    expect(err.hint).toMatch(/5 minutes/)
  })

  it('asks for the Anthropic use case form and a 15 minute wait', () => {
    const err = map(
      awsError('ResourceNotFoundException', 'Model use case details have not been submitted for this account.'),
    )
    expect(err.code).toBe('bedrock_model_not_enabled')
    expect(err.hint).toMatch(/use case/)
    expect(err.hint).toMatch(/15 minutes/)
  })

  it('calls the seed model id not real and suggests the inference profile', () => {
    const err = map(awsError('ValidationException', 'The provided model identifier is invalid.'), {
      modelId: 'anthropic.claude-sonnet-4-5-v1:0',
      region: 'us-east-1',
    })
    expect(err.code).toBe('bedrock_model_id_invalid')
    expect(err.message).toMatch(/not a real Bedrock model id/)
    expect(err.hint).toContain('BEDROCK_MODEL_ID=us.anthropic.claude-sonnet-4-6')
  })

  it('treats a modelId constraint failure as an invalid id', () => {
    const err = map(
      awsError(
        'ValidationException',
        "1 validation error detected: Value 'x y' at 'modelId' failed to satisfy constraint: ...",
      ),
    )
    expect(err.code).toBe('bedrock_model_id_invalid')
  })

  it.each(['\u2019', "'"])(
    'detects on-demand throughput with apostrophe %s and suggests profiles of the base id',
    (apostrophe) => {
      const base = 'anthropic.claude-haiku-4-5-20251001-v1:0'
      const err = map(
        awsError(
          'ValidationException',
          `Invocation of model ID ${base} with on-demand throughput isn${apostrophe}t supported. Retry ...`,
        ),
        { modelId: base, region: 'eu-central-1' },
      )
      expect(err.code).toBe('bedrock_inference_profile_required')
      expect(err.hint).toContain(`us.${base}`)
      expect(err.hint).toContain(`eu.${base}`)
      expect(err.hint).toContain(`global.${base}`)
    },
  )

  it('keeps other validation errors as bedrock_validation', () => {
    expect(map(awsError('ValidationException', '`temperature` and `top_p` cannot both be specified')).code).toBe(
      'bedrock_validation',
    )
  })

  it('says the daily quota is spent for per-day throttling', () => {
    const day = map(awsError('ThrottlingException', 'Too many tokens per day, please wait before trying again.'))
    const minute = map(awsError('ThrottlingException', 'Too many requests, please wait before trying again.'))
    expect(day.code).toBe('bedrock_throttled')
    expect(day.hint).toMatch(/quota/)
    expect(minute.hint).not.toMatch(/quota/)
    expect(day.retryAfterSeconds).toBeGreaterThan(minute.retryAfterSeconds ?? 0)
  })

  it('takes Retry-After from the response when AWS sends one', () => {
    const err = map(awsError('ThrottlingException', 'x', { $response: { headers: { 'retry-after': '7' } } }))
    expect(err.retryAfterSeconds).toBe(7)
  })

  it.each([
    ['ServiceUnavailableException', 'bedrock_unavailable'],
    ['InternalServerException', 'bedrock_unavailable'],
    ['ModelStreamErrorException', 'bedrock_unavailable'],
    ['ServiceQuotaExceededException', 'bedrock_throttled'],
    ['ModelNotReadyException', 'bedrock_throttled'],
    ['ModelTimeoutException', 'upstream_timeout'],
    ['TimeoutError', 'upstream_timeout'],
    ['UnrecognizedClientException', 'aws_credentials_invalid'],
  ])('maps %s to %s', (name, code) => {
    expect(map(awsError(name, 'm')).code).toBe(code)
  })

  it.each([
    ['a truncated frame', new Error('Truncated event message received.')],
    ['an h1 reset', Object.assign(new Error('aborted'), { code: 'ECONNRESET' })],
    ['an h1 hang-up reported as TimeoutError', awsError('TimeoutError', 'socket hang up', { code: 'ECONNRESET' })],
    [
      'an h2 stream error',
      Object.assign(new Error('Stream closed with error code NGHTTP2_INTERNAL_ERROR'), {
        code: 'ERR_HTTP2_STREAM_ERROR',
      }),
    ],
  ])('reports %s as a cut-off reply', (_name, err) => {
    expect(map(err).code).toBe('bedrock_stream_truncated')
  })

  it('maps an abort caused by a timeout to upstream_timeout', () => {
    const err = awsError('AbortError', 'This operation was aborted', { cause: new DOMException('t', 'TimeoutError') })
    expect(map(err).code).toBe('upstream_timeout')
  })

  it('unwraps an unmodelled stream exception body instead of echoing the raw payload', () => {
    const err = map(
      awsError('ThrottlingException', '{"message":"Too many requests, please wait before trying again.","p":"abc"}'),
    )
    expect(err.code).toBe('bedrock_throttled')
    expect(err.message).not.toContain('"p"')
  })

  it('recognises a malformed bearer API key', () => {
    const err = map(awsError('AccessDeniedException', 'Invalid API Key format: Must start with pre-defined prefix'))
    expect(err.code).toBe('aws_credentials_invalid')
    expect(err.hint).toContain('AWS_BEARER_TOKEN_BEDROCK')
  })

  it('falls back to bedrock_validation for unknown 4xx and bedrock_unavailable otherwise, keeping the cause', () => {
    const fourXX = awsError('WeirdException', 'm', { $metadata: { httpStatusCode: 409 } })
    expect(map(fourXX).code).toBe('bedrock_validation')
    const unknown = new Error('boom')
    const mapped = map(unknown)
    expect(mapped.code).toBe('bedrock_unavailable')
    expect(mapped.cause).toBe(unknown)
  })

  it('passes an AppError through unchanged', () => {
    const e = new AppError({ code: 'bedrock_stream_truncated', message: 'cut' })
    expect(map(e)).toBe(e)
  })
})

describe('baseModelId', () => {
  it('strips inference-profile prefixes only', () => {
    expect(baseModelId('global.anthropic.claude-sonnet-4-6')).toBe('anthropic.claude-sonnet-4-6')
    expect(baseModelId('eu.anthropic.x-v1:0')).toBe('anthropic.x-v1:0')
    expect(baseModelId('anthropic.x-v1:0')).toBe('anthropic.x-v1:0')
  })
})

describe('credentialSourceLabel', () => {
  it.each([
    [{ CREDENTIALS_ENV_VARS: 'g' }, 'environment variables'],
    [{ CREDENTIALS_PROFILE: 'n' }, 'shared credentials file (profile work)'],
    [{ CREDENTIALS_PROFILE_SSO: 'r', CREDENTIALS_SSO: 's' }, 'SSO (profile work)'],
    [{ CREDENTIALS_HTTP: 'z' }, 'container role (ECS)'],
    [{ CREDENTIALS_IMDS: '0' }, 'EC2 instance role'],
    [{ CREDENTIALS_ENV_VARS_STS_WEB_ID_TOKEN: 'h', CREDENTIALS_STS_ASSUME_ROLE_WEB_ID: 'k' }, 'web identity'],
    [{ CREDENTIALS_PROFILE_PROCESS: 'v', CREDENTIALS_PROCESS: 'w' }, 'credential_process (profile work)'],
    [{}, 'unknown source'],
  ])('labels %o as %s', ($source, label) => {
    expect(credentialSourceLabel({ accessKeyId: 'AKID', $source }, 'work')).toBe(label)
  })
})
