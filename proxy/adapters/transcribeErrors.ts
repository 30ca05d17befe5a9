import { AppError } from '../http/appError.ts'

type AwsLike = {
  name?: unknown
  message?: unknown
  code?: unknown
  $metadata?: { httpStatusCode?: unknown }
  $response?: { statusCode?: unknown }
}

const text = (v: unknown) => (typeof v === 'string' ? v : '')

/**
 * Amazon Transcribe streaming failures (HTTP-level and in-stream exceptions) → AppError. Operator
 * misconfiguration (credentials, IAM, vocabulary) gets its own code with a hint that says what to fix;
 * transient conditions get retry-able codes. Never echoes secrets; AWS messages are safe to show.
 */
export function transcribeErrorFromAws(err: unknown, { region }: { region: string }): AppError {
  if (err instanceof AppError) return err
  const e = (typeof err === 'object' && err !== null ? err : {}) as AwsLike
  const name = text(e.name) || text(e.code)
  const message = text(e.message)
  const status = Number(e.$metadata?.httpStatusCode ?? e.$response?.statusCode ?? 0)
  const make = (
    code: ConstructorParameters<typeof AppError>[0]['code'],
    msg: string,
    hint?: string,
    retryAfterSeconds?: number,
  ) =>
    new AppError({
      code,
      message: msg,
      ...(hint ? { hint } : {}),
      ...(retryAfterSeconds ? { retryAfterSeconds } : {}),
      cause: err,
    })

  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return make(
      'aws_credentials_missing',
      'The proxy has no AWS credentials, so it cannot reach Amazon Transcribe.',
      'Give the proxy AWS credentials (an IAM role, AWS_PROFILE, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) and restart it.',
    )
  }
  if (name === 'ExpiredTokenException' || name === 'ExpiredToken' || /security token .* expired/i.test(message)) {
    return make(
      'aws_credentials_expired',
      'The AWS credentials of the proxy have expired.',
      'Refresh the session credentials (e.g. `aws sso login`) or use a role that renews itself, then try again.',
    )
  }
  if (name === 'UnrecognizedClientException' || name === 'InvalidClientTokenId') {
    return make(
      'aws_credentials_invalid',
      'AWS does not recognise the access key the proxy uses.',
      'Check AWS_ACCESS_KEY_ID (and AWS_SESSION_TOKEN for temporary keys); the key may have been deleted or deactivated.',
    )
  }
  if (name === 'InvalidSignatureException' || name === 'SignatureDoesNotMatch') {
    return make(
      'aws_signature_mismatch',
      'AWS rejected the request signature of the proxy.',
      'Check AWS_SECRET_ACCESS_KEY for a typo and that the server clock is correct (within 5 minutes).',
    )
  }
  if (name === 'AccessDeniedException' || name === 'AccessDenied' || status === 403) {
    return make(
      'transcribe_access_denied',
      "The proxy's AWS identity may not use Amazon Transcribe streaming.",
      `Allow "transcribe:StartStreamTranscription" for the proxy's IAM role or user in ${region}.`,
    )
  }
  if (name === 'BadRequestException' || status === 400) {
    const vocabulary = /vocabular/i.test(message)
    return make(
      'transcribe_bad_request',
      `Amazon Transcribe rejected the audio stream: ${message || 'bad request'}`,
      vocabulary
        ? `Check that the custom vocabulary in TRANSCRIBE_VOCABULARY_NAME exists and is READY in ${region}, and that its language matches.`
        : 'Check the language (and TRANSCRIBE_LANGUAGE_OPTIONS) and that audio is 16 kHz 16-bit mono PCM.',
    )
  }
  if (name === 'LimitExceededException' || status === 429) {
    return make(
      'transcribe_limit_exceeded',
      'Too many simultaneous transcriptions for this AWS account right now.',
      'Wait a few seconds and try again; if it keeps happening, ask the operator to raise the Transcribe streaming quota.',
      5,
    )
  }
  if (name === 'TimeoutError' || name === 'RequestTimeout') {
    return make('upstream_timeout', 'Amazon Transcribe did not answer in time.', 'Try again in a moment.')
  }
  const why =
    name === 'ConflictException' ? 'the stream was replaced by another one' : message || name || 'unknown error'
  return make(
    'transcribe_unavailable',
    `Amazon Transcribe is unavailable (${why}).`,
    'Try again in a moment, or type your prompt.',
    2,
  )
}
