/**
 * The model families the Bedrock simulator can play, with the differences AWS and Anthropic document for them
 * (docs/AWS_SETUP.md#model-capabilities has the sources). Kept apart from the proxy's own table on purpose: the
 * simulator is the world the proxy is tested against, not a copy of the proxy's assumptions.
 */
export type SimModel = {
  family: string
  /** `toolChoice: {any}` / `{tool}` accepted; otherwise a ValidationException with Bedrock's text. */
  forcedToolChoice: boolean
  /** `toolSpec.strict`: honoured (schema checked, input guaranteed to match), rejected, or ignored (unknown ids). */
  strict: 'honoured' | 'rejected' | 'ignored'
  /** Tokens each cache checkpoint must add before it caches anything; undefined = no cache accounting. */
  cacheMinTokens?: number
  /** 'always': every reply starts with a reasoning block and tool turns must echo it. */
  reasoning: 'none' | 'always'
}

const FAMILIES: Array<[RegExp, SimModel]> = [
  [
    /claude-sonnet-5-5/,
    {
      family: 'claude-sonnet-5-5',
      forcedToolChoice: false,
      strict: 'rejected',
      cacheMinTokens: 1024,
      reasoning: 'always',
    },
  ],
  [
    /claude-sonnet-4-6/,
    {
      family: 'claude-sonnet-4-6',
      forcedToolChoice: true,
      strict: 'honoured',
      cacheMinTokens: 2048,
      reasoning: 'none',
    },
  ],
  [
    /claude-haiku-4-5/,
    { family: 'claude-haiku-4-5', forcedToolChoice: true, strict: 'honoured', cacheMinTokens: 4096, reasoning: 'none' },
  ],
  [
    /claude-sonnet-4-5/,
    {
      family: 'claude-sonnet-4-5',
      forcedToolChoice: true,
      strict: 'honoured',
      cacheMinTokens: 1024,
      reasoning: 'none',
    },
  ],
]

/** Any other id plays today's permissive simulator: everything accepted, usage only as scripted. */
const PERMISSIVE: SimModel = { family: 'permissive', forcedToolChoice: true, strict: 'ignored', reasoning: 'none' }

export function simModelFor(modelId: string): SimModel {
  return FAMILIES.find(([pattern]) => pattern.test(modelId))?.[1] ?? PERMISSIVE
}

/** Bedrock's own texts for what a model refuses (ValidationException, HTTP 400). */
export const MODEL_ERRORS = {
  forcedToolChoice:
    'The model returned the following errors: tool_choice: type "tool" and "any" are not supported for this model.',
  strict: (index: number) =>
    `The model returned the following errors: tools.${index}.custom.strict: Extra inputs are not permitted`,
  tooManyCachePoints: (found: number) =>
    `The model returned the following errors: A maximum of 4 blocks with cache_control may be provided. Found ${found}.`,
  thinkingFirst: (index: number) =>
    `The model returned the following errors: messages.${index}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`tool_use\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block (preceeding the lastmost set of \`tool_use\` and \`tool_result\` blocks). We recommend you include thinking blocks from previous turns. To avoid this requirement, disable \`thinking\`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking`,
  /** Simulator wording: the real message names the first keyword the strict grammar does not support. */
  strictSchema: (index: number, problem: string) =>
    `The model returned the following errors: tools.${index}.custom.input_schema: ${problem}`,
} as const
