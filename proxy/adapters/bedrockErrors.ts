import { AppError, type AppErrorInit } from '../http/appError.ts'
import { DEFAULT_MODEL_ID, SEED_MODEL_ID } from '../loadConfig.ts'

export type BedrockErrorContext = { modelId: string; region: string }

const PROFILE_PREFIX = /^(global|us|eu|jp|au|apac|ca|us-gov)\./

/**
 * Translates an AWS SDK / network failure of a Bedrock call into an AppError whose hint tells the
 * operator what to fix. Keeps the AWS message text (never secrets or raw payloads) and the original as `cause`.
 */
export function bedrockErrorFromAws(err: unknown, { modelId, region }: BedrockErrorContext): AppError {
  if (err instanceof AppError) return err
  const e = (err ?? {}) as {
    name?: unknown
    message?: unknown
    code?: unknown
    $metadata?: { httpStatusCode?: number }
  }
  const name = typeof e.name === 'string' ? e.name : ''
  const message = unwrapJsonMessage(typeof e.message === 'string' ? e.message : String(err))
  const code = typeof e.code === 'string' ? e.code : ''
  const status = e.$metadata?.httpStatusCode
  const make = (init: Omit<AppErrorInit, 'cause'>) => new AppError({ ...init, cause: err })
  const aws = message ? ` AWS said: "${oneLine(message)}"` : ''
  const base = baseModelId(modelId)

  if (name === 'CredentialsProviderError' || /Could not load credentials from any providers/i.test(message)) {
    return make({
      code: 'aws_credentials_missing',
      message: 'The proxy found no AWS credentials in the default provider chain.',
      hint:
        'Give the proxy AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (plus AWS_SESSION_TOKEN for temporary keys), ' +
        'or AWS_PROFILE with ~/.aws/credentials (run `aws configure` or `aws sso login`), or run it with an IAM role (ECS task role, EC2 instance profile). ' +
        'Check with `aws sts get-caller-identity`, then restart the proxy.',
    })
  }
  if (/^ExpiredToken(Exception)?$/.test(name) || /security token included in the request is expired/i.test(message)) {
    return make({
      code: 'aws_credentials_expired',
      message: 'The AWS session token has expired.',
      hint: 'Refresh the temporary credentials (`aws sso login`, or a new AWS_SESSION_TOKEN) and restart the proxy, or use a role/profile the SDK can refresh by itself.',
    })
  }
  if (/Invalid API Key format/i.test(message)) {
    return make({
      code: 'aws_credentials_invalid',
      message: 'Bedrock rejected the API key (bearer token).',
      hint: 'AWS_BEARER_TOKEN_BEDROCK is set but malformed or wrong, and it overrides other credentials. Fix it, or unset it to use SigV4 credentials.',
    })
  }
  if (name === 'UnrecognizedClientException') {
    return make({
      code: 'aws_credentials_invalid',
      message: `AWS does not recognise the access key or session token.${aws}`,
      hint: 'Check AWS_ACCESS_KEY_ID (and AWS_SESSION_TOKEN, which must belong to the same temporary key). The key may be deleted or deactivated; create a new one in IAM if needed.',
    })
  }
  if (name === 'MissingAuthenticationTokenException') {
    return make({
      code: 'aws_credentials_missing',
      message: 'The request reached Bedrock without AWS credentials.',
      hint: 'Give the proxy AWS credentials (environment, profile or IAM role) and restart it.',
    })
  }
  if (
    name === 'InvalidSignatureException' ||
    /signature we calculated does not match|Signature expired/i.test(message)
  ) {
    return make({
      code: 'aws_signature_mismatch',
      message: `AWS rejected the request signature.${aws}`,
      hint:
        'Usually AWS_SECRET_ACCESS_KEY does not belong to AWS_ACCESS_KEY_ID (re-copy the secret, watch for spaces or quotes), ' +
        "or this machine's clock is more than 5 minutes off (enable NTP).",
    })
  }
  if (name === 'AccessDeniedException') {
    if (/not authorized to perform/i.test(message) && !/marketplace/i.test(message)) {
      return make({
        code: 'bedrock_access_denied',
        message: `The proxy's IAM identity may not call Claude on Bedrock.${aws}`,
        hint:
          `Allow bedrock:InvokeModel and bedrock:InvokeModelWithResponseStream on arn:aws:bedrock:${region}:<account-id>:inference-profile/${modelId} ` +
          `and on arn:aws:bedrock:*::foundation-model/${base} (every region the profile routes to), then retry.`,
      })
    }
    return make({
      code: 'bedrock_model_not_enabled',
      message: `This AWS account has no access to ${modelId} yet.${aws}`,
      hint:
        `Enable model access for Anthropic Claude in the Bedrock console (Model access) for ${region}; the identity also needs ` +
        'aws-marketplace:ViewSubscriptions and aws-marketplace:Subscribe the first time. Try again 5 minutes after enabling.',
    })
  }
  if (name === 'ResourceNotFoundException') {
    if (/use case/i.test(message)) {
      return make({
        code: 'bedrock_model_not_enabled',
        message: `Anthropic models are not enabled for this AWS account yet.${aws}`,
        hint: `Submit the Anthropic use case details form in the Bedrock console (Model access, ${region}), then try again in 15 minutes.`,
      })
    }
    return make({
      code: 'bedrock_model_id_invalid',
      message: `Bedrock cannot serve the model ${modelId}.${aws}`,
      hint: /legacy/i.test(message)
        ? 'This model is marked Legacy. Set BEDROCK_MODEL_ID to an active Claude model (see `aws bedrock list-inference-profiles`).'
        : `Check BEDROCK_MODEL_ID and AWS_REGION (${region}); list valid ids with \`aws bedrock list-inference-profiles --region ${region}\`.`,
    })
  }
  if (name === 'ValidationException') {
    if (/provided model identifier is invalid/i.test(message) || /at 'modelId' failed to satisfy/i.test(message)) {
      return make({
        code: 'bedrock_model_id_invalid',
        message:
          modelId === SEED_MODEL_ID
            ? `BEDROCK_MODEL_ID is "${SEED_MODEL_ID}", which is not a real Bedrock model id.`
            : `Bedrock does not know the model id "${modelId}".${aws}`,
        hint:
          `Set BEDROCK_MODEL_ID=${DEFAULT_MODEL_ID} (Claude Sonnet 4.6 via the US inference profile), ` +
          `or pick another id from \`aws bedrock list-inference-profiles --region ${region}\`.`,
      })
    }
    if (/on-demand throughput isn['\u2019]t supported/i.test(message)) {
      const id = /model ID (\S+) with/i.exec(message)?.[1] ?? base
      return make({
        code: 'bedrock_inference_profile_required',
        message: `${id} cannot be called directly (on-demand); it needs an inference profile.`,
        hint: `Set BEDROCK_MODEL_ID=us.${id} (or eu.${id}, global.${id}, matching where your data may be processed).`,
      })
    }
    return make({
      code: 'bedrock_validation',
      message: `Bedrock rejected the request.${aws}`,
      hint: 'This is likely a proxy bug or an unsupported setting for this model; give the operator the request id.',
    })
  }
  if (['ThrottlingException', 'ServiceQuotaExceededException', 'ModelNotReadyException'].includes(name)) {
    const perDay = /per day/i.test(message)
    return make({
      code: 'bedrock_throttled',
      message: perDay
        ? 'The daily Bedrock token quota for this model is used up.'
        : 'Claude is busy right now (Bedrock throttled the request).',
      hint: perDay
        ? 'The account has spent its tokens-per-day quota; try again tomorrow or ask AWS (Service Quotas) for a higher Bedrock quota.'
        : 'Try again in a few seconds.',
      retryAfterSeconds: retryAfterFrom(err) ?? (perDay ? 3600 : 10),
    })
  }
  if (
    [
      'ServiceUnavailableException',
      'InternalServerException',
      'ModelStreamErrorException',
      'ModelErrorException',
    ].includes(name) ||
    ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH'].includes(code)
  ) {
    return make({
      code: 'bedrock_unavailable',
      message: name ? `Bedrock could not answer (${name}).` : 'Bedrock could not be reached.',
      hint: 'Try again in a moment. If it keeps failing, check the AWS Health Dashboard for Bedrock in ' + region + '.',
      retryAfterSeconds: retryAfterFrom(err) ?? 5,
    })
  }
  // A dropped socket surfaces as TimeoutError + ECONNRESET on h1, so connection loss is checked first.
  if (
    /Truncated event message received/i.test(message) ||
    ['ECONNRESET', 'ERR_HTTP2_STREAM_ERROR', 'ERR_HTTP2_STREAM_CANCEL', 'ERR_HTTP2_SESSION_ERROR', 'EPIPE'].includes(
      code,
    ) ||
    (name === 'AbortError' && !isTimeoutAbort(err)) ||
    /^aborted$/i.test(message) ||
    /socket hang up/i.test(message)
  ) {
    return make({
      code: 'bedrock_stream_truncated',
      message: "Claude's reply was cut off before it finished.",
      hint: 'Please retry.',
      retryAfterSeconds: 1,
    })
  }
  if (name === 'TimeoutError' || name === 'ModelTimeoutException' || isTimeoutAbort(err)) {
    return make({
      code: 'upstream_timeout',
      message: 'Claude took too long to answer.',
      hint: 'Try again, perhaps with a shorter request.',
      retryAfterSeconds: 5,
    })
  }
  if (status !== undefined && status >= 400 && status < 500) {
    return make({ code: 'bedrock_validation', message: `Bedrock rejected the request (${name || status}).${aws}` })
  }
  return make({
    code: 'bedrock_unavailable',
    message: `Calling Bedrock failed (${name || 'unknown error'}).`,
    hint: 'Try again in a moment; if it persists, give the operator the request id.',
  })
}

/** `us.anthropic.x` -> `anthropic.x`; ARNs and plain ids pass through. */
export function baseModelId(modelId: string): string {
  return modelId.replace(PROFILE_PREFIX, '')
}

function retryAfterFrom(err: unknown): number | undefined {
  const headers = (err as { $response?: { headers?: Record<string, string | undefined> } })?.$response?.headers
  const raw = headers?.['retry-after']
  const n = raw === undefined ? NaN : Number(raw)
  return Number.isFinite(n) && n >= 0 ? Math.ceil(n) : undefined
}

function isTimeoutAbort(err: unknown): boolean {
  const e = err as { name?: string; cause?: { name?: string }; message?: string }
  return e?.name === 'AbortError' && (e.cause?.name === 'TimeoutError' || /timed? ?out/i.test(e.message ?? ''))
}

/** Unmodelled stream exceptions carry the raw body (`{"message":"..."}`) as their message. */
function unwrapJsonMessage(s: string): string {
  if (!s.startsWith('{')) return s
  try {
    const parsed = JSON.parse(s) as { message?: unknown; Message?: unknown }
    const m = parsed.message ?? parsed.Message
    return typeof m === 'string' ? m : ''
  } catch {
    return s
  }
}

function oneLine(s: string): string {
  const t = s.replace(/\s+/g, ' ').trim()
  return t.length > 400 ? `${t.slice(0, 397)}...` : t
}
