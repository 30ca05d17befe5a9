/** What the Bedrock simulator answers to one request. Scripted per test, or produced by `scriptFn`. */
export type SimReply = SimContentReply | SimHttpError | { type: 'hang' }

export type SimBlock =
  | { text: string; tokens?: string[] }
  /** A reasoning (thinking) block; always-reasoning families add one when the reply has none. */
  | { reasoning: string; signature?: string }
  | { toolUse: { toolUseId?: string; name: string; input: unknown }; chunkSize?: number }

export type SimUsage = {
  inputTokens: number
  outputTokens: number
  cacheReadInputTokens?: number
  cacheWriteInputTokens?: number
}

export type SimContentReply = {
  type: 'content'
  blocks: SimBlock[]
  stopReason?: string
  usage?: Partial<SimUsage>
  /** Delay before the first event (streaming) or the whole reply (Converse). Overrides the simulator default. */
  firstTokenDelayMs?: number
  /** Delay between streamed events after the first. Overrides the simulator default. */
  tokenDelayMs?: number
  /** Something going wrong during the stream (ConverseStream only, except `drop` and `hang`). */
  fault?: SimFault
}

export type SimFault =
  /** An event-stream exception frame, e.g. `throttlingException`, after `afterEvents` events. */
  | {
      kind: 'exception'
      exceptionType: string
      message: string
      afterEvents?: number
      /** For modelStreamErrorException. */
      originalStatusCode?: number
      originalMessage?: string
    }
  /** Unmodelled `:message-type=error` frame. */
  | { kind: 'error'; errorCode: string; errorMessage: string; afterEvents?: number }
  /** Half a frame, then a clean end: the SDK reports "Truncated event message received.". */
  | { kind: 'truncate'; afterEvents?: number }
  /** The socket (h1) or stream (h2) is destroyed mid-reply. */
  | { kind: 'drop'; afterEvents?: number }
  /** Stops sending after some events but keeps the connection open. */
  | { kind: 'hang'; afterEvents?: number }
  /** Everything up to contentBlockStop, then a clean end without messageStop/metadata. */
  | { kind: 'noMessageStop' }

export type SimHttpError = {
  type: 'httpError'
  status: number
  /** AWS error type, e.g. `ThrottlingException`; sent in `x-amzn-ErrorType`. */
  errorType: string
  message: string
  /** IAM denials use `{"Message": ...}`. */
  messageKey?: 'message' | 'Message'
  retryAfterSeconds?: number
}

const AMZN_TYPE_SUFFIX = ':http://internal.amazon.com/coral/com.amazon.bedrock/'
export const errorTypeHeader = (type: string) => `${type}${AMZN_TYPE_SUFFIX}`

const httpError = (
  status: number,
  errorType: string,
  message: string,
  extra: Partial<SimHttpError> = {},
): SimHttpError => ({
  type: 'httpError',
  status,
  errorType,
  message,
  ...extra,
})

/** Real Bedrock error replies (texts from the team reference §2.5). */
export const AWS_ERRORS = {
  throttling: httpError(429, 'ThrottlingException', 'Too many requests, please wait before trying again.'),
  tooManyTokens: httpError(429, 'ThrottlingException', 'Too many tokens, please wait before trying again.'),
  tokensPerDay: httpError(429, 'ThrottlingException', 'Too many tokens per day, please wait before trying again.'),
  modelNotReady: httpError(
    429,
    'ModelNotReadyException',
    'Model is not ready to serve inference requests. The model is being loaded.',
  ),
  serviceQuotaExceeded: httpError(
    400,
    'ServiceQuotaExceededException',
    'Your request exceeded the service quota for your account.',
  ),
  accessDeniedModel: httpError(
    403,
    'AccessDeniedException',
    "You don't have access to the model with the specified model ID.",
  ),
  accessDeniedMarketplace: httpError(
    403,
    'AccessDeniedException',
    'Model access is denied due to IAM user or service role is not authorized to perform the required AWS Marketplace actions (aws-marketplace:ViewSubscriptions, aws-marketplace:Subscribe) to enable access to this model. Refer to the Amazon Bedrock User Guide for further details. Your AWS Marketplace subscription for this model cannot be completed at this time. If you recently fixed this issue, try again after 5 minutes.',
  ),
  accessDeniedIam: httpError(
    403,
    'AccessDeniedException',
    'User: arn:aws:sts::123456789012:assumed-role/voice-proxy/session is not authorized to perform: bedrock:InvokeModelWithResponseStream on resource: arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0 because no identity-based policy allows the bedrock:InvokeModelWithResponseStream action',
    { messageKey: 'Message' },
  ),
  useCaseForm: httpError(
    404,
    'ResourceNotFoundException',
    'Model use case details have not been submitted for this account. Fill out the Anthropic use case details form before using the model. If you have already filled out the form, try again in 15 minutes.',
  ),
  legacyModel: httpError(
    404,
    'ResourceNotFoundException',
    'Access denied. This Model is marked by provider as Legacy and you have not been actively using the model in the last 15 days. Please upgrade to an active model on Amazon Bedrock',
  ),
  invalidModelId: httpError(400, 'ValidationException', 'The provided model identifier is invalid.'),
  onDemandNotSupported: (modelId = 'anthropic.claude-sonnet-4-5-20250929-v1:0') =>
    httpError(
      400,
      'ValidationException',
      `Invocation of model ID ${modelId} with on-demand throughput isn\u2019t supported. Retry your request with the ID or ARN of an inference profile that contains this model.`,
    ),
  temperatureAndTopP: httpError(
    400,
    'ValidationException',
    '`temperature` and `top_p` cannot both be specified for this model. Please use only one.',
  ),
  serviceUnavailable: httpError(503, 'ServiceUnavailableException', 'Bedrock is unable to process your request.'),
  internalServer: httpError(
    500,
    'InternalServerException',
    'The server encountered an internal error while processing the request.',
  ),
  modelTimeout: httpError(
    408,
    'ModelTimeoutException',
    'Model has timed out in processing the request. Try your request again.',
  ),
  expiredToken: httpError(403, 'ExpiredTokenException', 'The security token included in the request is expired'),
  unrecognizedClient: httpError(
    403,
    'UnrecognizedClientException',
    'The security token included in the request is invalid.',
  ),
  invalidSignature: httpError(
    403,
    'InvalidSignatureException',
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  ),
} as const

/** Builders for the common replies. */
export const reply = {
  text: (text: string, opts: Omit<SimContentReply, 'type' | 'blocks'> = {}): SimContentReply => ({
    type: 'content',
    blocks: [{ text }],
    ...opts,
  }),
  toolUse: (
    name: string,
    input: unknown,
    opts: Omit<SimContentReply, 'type' | 'blocks'> & { toolUseId?: string; preface?: string; chunkSize?: number } = {},
  ): SimContentReply => {
    const { toolUseId, preface, chunkSize, ...rest } = opts
    return {
      type: 'content',
      stopReason: 'tool_use',
      blocks: [
        ...(preface ? [{ text: preface }] : []),
        { toolUse: { toolUseId, name, input }, ...(chunkSize ? { chunkSize } : {}) },
      ],
      ...rest,
    }
  },
  error: (e: SimHttpError, extra: Partial<SimHttpError> = {}): SimHttpError => ({ ...e, ...extra }),
  hang: (): SimReply => ({ type: 'hang' }),
  /** Text then a mid-stream exception frame (lowerCamel type, e.g. `throttlingException`). */
  streamException: (
    exceptionType: string,
    message: string,
    text = 'Partial answer that gets cut',
  ): SimContentReply => ({
    type: 'content',
    blocks: [{ text }],
    fault: { kind: 'exception', exceptionType, message, afterEvents: 2 },
  }),
  truncated: (text = 'This reply is cut in the middle of a frame'): SimContentReply => ({
    type: 'content',
    blocks: [{ text }],
    fault: { kind: 'truncate', afterEvents: 2 },
  }),
  dropped: (text = 'This reply loses its connection'): SimContentReply => ({
    type: 'content',
    blocks: [{ text }],
    fault: { kind: 'drop', afterEvents: 2 },
  }),
  noMessageStop: (text = 'This reply never says it is finished'): SimContentReply => ({
    type: 'content',
    blocks: [{ text }],
    fault: { kind: 'noMessageStop' },
  }),
}

/** Splits text into token-like deltas (a word plus its trailing whitespace). Deterministic. */
export function tokenize(text: string): string[] {
  return text.match(/\s*\S+\s*/g) ?? (text ? [text] : [])
}

/** Splits a tool input's JSON into partial-JSON chunks, as Bedrock streams it. */
export function chunkJson(input: unknown, size = 12): string[] {
  const json = JSON.stringify(input ?? {})
  const out: string[] = []
  for (let i = 0; i < json.length; i += size) out.push(json.slice(i, i + size))
  return out.length ? out : ['{}']
}
