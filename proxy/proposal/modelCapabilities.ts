/** How a model thinks: never, only when asked (extended/adaptive thinking), or always (cannot be turned off). */
export type Reasoning = 'none' | 'optional' | 'always'

/** What the proxy may rely on for one Bedrock model; docs/AWS_SETUP.md gives the source of every cell. */
export type ModelCapabilities = {
  /** Table row that matched, e.g. `claude-sonnet-4-6`; `claude-unknown` / `unknown` for the defaults. */
  family: string
  toolUse: boolean
  /** `toolChoice: {tool}` / `{any}` accepted (the repair round forces propose_changes when it is). */
  forcedToolChoice: boolean
  /** `toolSpec.strict: true` (schema-constrained tool input) accepted. */
  strictTools: boolean
  /** Minimum tokens each cache checkpoint must add; undefined when the model has no prompt caching. */
  cacheMinTokens: number | undefined
  maxCachePoints: number
  maxOutputTokens: number
  reasoning: Reasoning
}

type Row = Omit<ModelCapabilities, 'family' | 'toolUse' | 'maxCachePoints'>

const MAX_CACHE_POINTS = 4

// One row per family; a family matches its name exactly, optionally followed by a date and/or a version suffix.
const TABLE: Array<[family: string, row: Row]> = [
  ['claude-sonnet-5-5', caps(false, false, 4096, 128_000, 'always')],
  ['claude-sonnet-5', caps(false, false, 1024, 128_000, 'always')],
  ['claude-opus-4-7', caps(false, false, 2048, 128_000, 'optional')],
  ['claude-opus-4-6', caps(true, true, 4096, 128_000, 'optional')],
  ['claude-sonnet-4-6', caps(true, true, 2048, 128_000, 'optional')],
  ['claude-opus-4-5', caps(true, true, 4096, 64_000, 'optional')],
  ['claude-haiku-4-5', caps(true, true, 4096, 64_000, 'optional')],
  ['claude-sonnet-4-5', caps(true, true, 1024, 64_000, 'optional')],
  ['claude-opus-4-1', caps(true, false, 1024, 32_000, 'optional')],
  ['claude-opus-4', caps(true, false, 1024, 32_000, 'optional')],
  ['claude-sonnet-4', caps(true, false, 1024, 64_000, 'optional')],
  ['claude-3-7-sonnet', caps(true, false, 1024, 64_000, 'optional')],
  ['claude-3-5-haiku', caps(true, false, 2048, 8192, 'none')],
  ['claude-3-5-sonnet', caps(true, false, undefined, 8192, 'none')],
  ['claude-3-haiku', caps(true, false, undefined, 4096, 'none')],
]
const SUFFIX = /^(?:-\d{8})?(?:-v\d+(?::\d+)?)?$/

/**
 * A Claude we have no row for (newer than this table): nothing forced or strict, the highest known cache minimum,
 * and reasoning assumed always on, so its blocks are kept for the repair round and max tokens leave room for them.
 */
const UNKNOWN_CLAUDE: Row = caps(false, false, 4096, 32_000, 'always')
/** Not a Claude id at all (or an opaque application-inference-profile ARN): the least we can assume. */
const UNKNOWN: Row = caps(false, false, undefined, 4096, 'none')

function caps(
  forcedToolChoice: boolean,
  strictTools: boolean,
  cacheMinTokens: number | undefined,
  maxOutputTokens: number,
  reasoning: Reasoning,
): Row {
  return { forcedToolChoice, strictTools, cacheMinTokens, maxOutputTokens, reasoning }
}

/** The family names an operator may give for a model id the table cannot read (BEDROCK_MODEL_FAMILY). */
export const MODEL_FAMILIES: readonly string[] = TABLE.map(([family]) => family)

/** `arn:…:inference-profile/us.anthropic.claude-x` or `us.anthropic.claude-x-v1:0` → `claude-x-v1:0`. */
export function modelName(modelId: string): string {
  const resource = modelId.trim().toLowerCase().split('/').at(-1) ?? ''
  return resource.replace(/^(?:[a-z]{2,6}(?:-[a-z]+)?\.)?(?:anthropic\.)?/, '')
}

/**
 * The capability row for a `BEDROCK_MODEL_ID` (profile id, base id or ARN), or for the family the operator named
 * (an application inference profile's ARN does not say which model it wraps); a fresh object each call.
 */
export function modelCapabilities(modelId: string, named?: string): ModelCapabilities {
  const name = named ?? modelName(modelId)
  const hit = TABLE.find(([family]) => name.startsWith(family) && SUFFIX.test(name.slice(family.length)))
  const [family, row] = hit ? hit : /^claude-/.test(name) ? ['claude-unknown', UNKNOWN_CLAUDE] : ['unknown', UNKNOWN]
  return { family, toolUse: true, maxCachePoints: MAX_CACHE_POINTS, ...row }
}
