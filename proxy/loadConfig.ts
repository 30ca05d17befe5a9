import { randomBytes } from 'node:crypto'
import * as v from 'valibot'
import { MODEL_FAMILIES, modelCapabilities } from './proposal/modelCapabilities.ts'

export const DEFAULT_MODEL_ID = 'us.anthropic.claude-sonnet-4-6'
/** The id the original Python version shipped with; it never existed on Bedrock. */
export const SEED_MODEL_ID = 'anthropic.claude-sonnet-4-5-v1:0'
/** Where `npm run build` writes the recorder window (plugin/build/buildRecorderPage.ts). */
export const DEFAULT_RECORDER_PAGE = 'plugin/dist/recorder.html'
export const PRODUCTION_PLUGIN_ORIGIN = 'https://plugins.storyblok.com'
/** The plugin's own field type (package.json name, the `field_type` of its custom fields). */
export const DEFAULT_PLUGIN_FIELD_TYPE = 'storyblok-voice-assistant'
/** Storyblok's OAuth endpoints for apps (authorize, token, user_info), as @storyblok/app-extension-auth uses them. */
export const DEFAULT_OAUTH_URL = 'https://app.storyblok.com/oauth'
export const AUTH_MODES = ['shared-token', 'oauth', 'both'] as const
export type AuthMode = (typeof AUTH_MODES)[number]

export type ApiKey = { key: string; id: string; spaces: number[] | 'all' }

export type Config = {
  service: { name: string; version: string }
  port: number
  host: string
  debug: boolean
  /** Set by the playground when the upstreams are the local simulators; answers are labelled simulated. */
  simulated: boolean
  logLevel: 'debug' | 'info' | 'warn' | 'error'
  aws: {
    region: string
    profile?: string
    bedrockEndpoint?: string
    transcribeEndpoint?: string
    bearerTokenIgnored: boolean
  }
  bedrock: {
    modelId: string
    /** The capability row to use when the model id does not say which model it is (application profiles). */
    modelFamily?: string
    maxTokens: number
    firstTokenTimeoutMs: number
    maxRetries: number
  }
  storyblok: {
    token?: { kind: 'personal' | 'oauth'; value: string }
    apiUrl?: string
    schemaTtlMs: number
    /** Storyblok's Management API limit per space, for all instances together (6 on paid plans, 3 on Starter). */
    requestsPerSecond: number
    /** Conversation turns on the same story share one read this long (the apply always reads afresh). */
    storyReadCacheMs: number
    styleGuideStory?: string
    /** A folder (full slug) whose stories the plugin's styleGuideStory option may name. */
    styleGuideFolder?: string
  }
  /** What a change set may do: signed tokens, publishing, the plugin's own field. */
  authority: {
    /** CHANGE_SIGNING_SECRET: the first signs, all verify (rotation). */
    signingSecrets: string[]
    /** Outside production without CHANGE_SIGNING_SECRET: generated for this process (tokens end with it). */
    signingSecretGenerated: boolean
    proposalTtlMs: number
    undoTtlMs: number
    allowPublish: boolean
    /** The `field_type` of this plugin's custom fields: the only fields that may hold the AI history. */
    pluginFieldType: string
  }
  /** The proxy's own public origin (PUBLIC_URL); the transcription ticket's URL is built from it. */
  publicUrl?: string
  transcribe: {
    vocabularyName?: string
    languageOptions: string[]
    maxSeconds: number
    /** Wall-clock bound of one transcription WebSocket, however slowly audio trickles in. */
    maxSessionMs: number
    maxFrameBytes: number
    maxSessionsPerKey: number
    idleTimeoutMs: number
  }
  access: {
    apiKeys: ApiKey[]
    spaceAllowlist: number[] | 'all'
    allowedOrigins: string[]
    rateLimitPerMinute: number
    dailyTokenBudget: number
    bodyLimitBytes: number
    /** Take the client address from the last X-Forwarded-For entry (one trusted load balancer in front). */
    trustProxy: boolean
  }
  /** Where state shared by all instances lives; without `redisUrl`, in this process. */
  sharedState: {
    redisUrl?: string
    /** A command not answered in this time counts as a failure. */
    commandTimeoutMs: number
  }
  /**
   * Who Storyblok sees writing. shared-token: the one STORYBLOK_TOKEN. oauth: each editor's own sign-in, no shared
   * token. both: the editor's sign-in when there is one; the shared token only for reads.
   */
  auth: {
    mode: AuthMode
    oauth?: { clientId: string; clientSecret: string; redirectUri: string; baseUrl: string; scope: string }
    /** Seals sessions and the login cookie (AES-256-GCM keys derived from it). */
    sessionSecret?: string
    sessionTtlMs: number
  }
  /** The built companion recorder window GET /recorder serves (relative paths from the working directory). */
  recorder: { pagePath: string }
  shutdownGraceMs: number
  /** Open connections the server accepts at once (streams included); more are closed on arrival. */
  maxConnections: number
}

export class ConfigError extends Error {
  readonly issues: string[]
  constructor(issues: string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`)
    this.name = 'ConfigError'
    this.issues = issues
  }
}

type Env = Record<string, string | undefined>

const intIn = (name: string, min: number, max: number) =>
  v.pipe(
    v.string(),
    v.trim(),
    v.regex(/^\d+$/, `${name} must be a whole number`),
    v.transform(Number),
    v.minValue(min, `${name} must be at least ${min}`),
    v.maxValue(max, `${name} must be at most ${max}`),
  )
const bool = (name: string) =>
  v.pipe(
    v.string(),
    v.trim(),
    v.toLowerCase(),
    v.picklist(['true', 'false', '1', '0', 'yes', 'no', ''], `${name} must be true or false`),
    v.transform((s) => s === 'true' || s === '1' || s === 'yes'),
  )
const url = (name: string) => v.pipe(v.string(), v.trim(), v.url(`${name} must be a URL like https://example.com`))

const EnvSchema = v.object({
  PORT: v.optional(intIn('PORT', 0, 65535), '8000'),
  HOST: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1, 'HOST must not be empty')), '0.0.0.0'),
  AWS_REGION: v.optional(
    v.pipe(v.string(), v.trim(), v.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'AWS_REGION must look like us-east-1')),
  ),
  AWS_DEFAULT_REGION: v.optional(v.string()),
  BEDROCK_MODEL_ID: v.optional(
    v.pipe(
      v.string(),
      v.trim(),
      v.minLength(1, 'BEDROCK_MODEL_ID must not be empty'),
      v.check(
        (id) => id !== SEED_MODEL_ID,
        `BEDROCK_MODEL_ID "${SEED_MODEL_ID}" is not a real Bedrock model id (Bedrock answers "The provided model identifier is invalid."). Use the inference profile id "${DEFAULT_MODEL_ID}" (or eu./global. for other geographies).`,
      ),
    ),
    DEFAULT_MODEL_ID,
  ),
  BEDROCK_MODEL_FAMILY: v.optional(
    v.pipe(
      v.string(),
      v.trim(),
      v.toLowerCase(),
      v.picklist(
        ['', ...MODEL_FAMILIES],
        `BEDROCK_MODEL_FAMILY must be one of ${MODEL_FAMILIES.join(', ')} (or unset: read from BEDROCK_MODEL_ID)`,
      ),
    ),
  ),
  BEDROCK_MAX_TOKENS: v.optional(intIn('BEDROCK_MAX_TOKENS', 1, 64_000), '2048'),
  BEDROCK_TIMEOUT_MS: v.optional(intIn('BEDROCK_TIMEOUT_MS', 100, 600_000), '30000'),
  BEDROCK_MAX_RETRIES: v.optional(intIn('BEDROCK_MAX_RETRIES', 0, 5), '2'),
  STORYBLOK_TOKEN: v.optional(v.pipe(v.string(), v.trim())),
  STORYBLOK_OAUTH_TOKEN: v.optional(v.pipe(v.string(), v.trim())),
  STORYBLOK_API_URL: v.optional(url('STORYBLOK_API_URL')),
  STORYBLOK_RATE_LIMIT_PER_SECOND: v.optional(intIn('STORYBLOK_RATE_LIMIT_PER_SECOND', 1, 1000), '6'),
  REDIS_URL: v.optional(
    v.pipe(
      v.string(),
      v.trim(),
      v.regex(
        /^(rediss?:\/\/\S*|)$/,
        'REDIS_URL must look like rediss://:AUTH_TOKEN@host:6379 (redis:// without TLS, only on a private network)',
      ),
    ),
  ),
  REDIS_COMMAND_TIMEOUT_MS: v.optional(intIn('REDIS_COMMAND_TIMEOUT_MS', 50, 10_000), '500'),
  AUTH_MODE: v.optional(
    v.pipe(
      v.string(),
      v.trim(),
      v.toLowerCase(),
      v.picklist(AUTH_MODES, 'AUTH_MODE must be one of shared-token, oauth, both'),
    ),
    'shared-token',
  ),
  STORYBLOK_OAUTH_CLIENT_ID: v.optional(v.pipe(v.string(), v.trim())),
  STORYBLOK_OAUTH_CLIENT_SECRET: v.optional(v.pipe(v.string(), v.trim())),
  STORYBLOK_OAUTH_REDIRECT_URI: v.optional(url('STORYBLOK_OAUTH_REDIRECT_URI')),
  STORYBLOK_OAUTH_URL: v.optional(url('STORYBLOK_OAUTH_URL')),
  SESSION_SECRET: v.optional(v.pipe(v.string(), v.trim())),
  SESSION_TTL_SECONDS: v.optional(intIn('SESSION_TTL_SECONDS', 300, 86_400), '14400'),
  SCHEMA_CACHE_TTL_SECONDS: v.optional(intIn('SCHEMA_CACHE_TTL_SECONDS', 0, 86_400), '60'),
  STORY_READ_CACHE_MS: v.optional(intIn('STORY_READ_CACHE_MS', 0, 60_000), '1000'),
  STYLE_GUIDE_STORY: v.optional(v.pipe(v.string(), v.trim())),
  STYLE_GUIDE_FOLDER: v.optional(v.pipe(v.string(), v.trim())),
  CHANGE_SIGNING_SECRET: v.optional(v.string(), ''),
  CHANGE_TOKEN_TTL_SECONDS: v.optional(intIn('CHANGE_TOKEN_TTL_SECONDS', 60, 7 * 86_400), '14400'),
  UNDO_TOKEN_TTL_SECONDS: v.optional(intIn('UNDO_TOKEN_TTL_SECONDS', 60, 30 * 86_400), '86400'),
  ALLOW_PUBLISH: v.optional(bool('ALLOW_PUBLISH'), 'false'),
  PLUGIN_FIELD_TYPE: v.optional(
    v.pipe(v.string(), v.trim(), v.minLength(1, 'PLUGIN_FIELD_TYPE must not be empty')),
    DEFAULT_PLUGIN_FIELD_TYPE,
  ),
  PUBLIC_URL: v.optional(url('PUBLIC_URL')),
  TRANSCRIBE_VOCABULARY_NAME: v.optional(v.pipe(v.string(), v.trim())),
  TRANSCRIBE_LANGUAGE_OPTIONS: v.optional(v.string(), ''),
  TRANSCRIBE_MAX_SECONDS: v.optional(intIn('TRANSCRIBE_MAX_SECONDS', 1, 14_400), '120'),
  TRANSCRIBE_MAX_SESSION_SECONDS: v.optional(intIn('TRANSCRIBE_MAX_SESSION_SECONDS', 1, 14_400)),
  TRANSCRIBE_MAX_FRAME_BYTES: v.optional(intIn('TRANSCRIBE_MAX_FRAME_BYTES', 320, 1_048_576), '65536'),
  TRANSCRIBE_MAX_SESSIONS_PER_KEY: v.optional(intIn('TRANSCRIBE_MAX_SESSIONS_PER_KEY', 1, 1000), '3'),
  TRANSCRIBE_IDLE_TIMEOUT_SECONDS: v.optional(intIn('TRANSCRIBE_IDLE_TIMEOUT_SECONDS', 1, 3600), '15'),
  PROXY_API_KEYS: v.optional(v.string(), ''),
  SPACE_ALLOWLIST: v.optional(v.string(), ''),
  ALLOWED_ORIGINS: v.optional(v.string()),
  RATE_LIMIT_PER_MINUTE: v.optional(intIn('RATE_LIMIT_PER_MINUTE', 1, 1_000_000), '120'),
  DAILY_TOKEN_BUDGET: v.optional(intIn('DAILY_TOKEN_BUDGET', 0, 1_000_000_000), '2000000'),
  BODY_LIMIT_BYTES: v.optional(intIn('BODY_LIMIT_BYTES', 1024, 20_000_000), '1048576'),
  TRUST_PROXY: v.optional(bool('TRUST_PROXY'), 'false'),
  SHUTDOWN_GRACE_SECONDS: v.optional(intIn('SHUTDOWN_GRACE_SECONDS', 0, 600), '20'),
  MAX_CONNECTIONS: v.optional(intIn('MAX_CONNECTIONS', 1, 100_000), '2000'),
  RECORDER_PAGE: v.optional(
    v.pipe(v.string(), v.trim(), v.minLength(1, 'RECORDER_PAGE must not be empty')),
    DEFAULT_RECORDER_PAGE,
  ),
  DEBUG: v.optional(bool('DEBUG'), 'false'),
  PLAYGROUND_SIMULATED: v.optional(bool('PLAYGROUND_SIMULATED'), 'false'),
  LOG_LEVEL: v.optional(
    v.pipe(
      v.string(),
      v.trim(),
      v.toLowerCase(),
      v.picklist(['debug', 'info', 'warn', 'error'], 'LOG_LEVEL must be one of debug, info, warn, error'),
    ),
    'info',
  ),
})

/** `key` or `key@spaceId`; the same key may appear with several spaces. */
export function parseApiKeys(raw: string, issues: string[]): ApiKey[] {
  const byKey = new Map<string, ApiKey>()
  const entries = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  entries.forEach((entry, i) => {
    const at = entry.lastIndexOf('@')
    const key = at === -1 ? entry : entry.slice(0, at)
    const space = at === -1 ? undefined : entry.slice(at + 1)
    if (key.length < 16 || !/^[\x21-\x7e]+$/.test(key)) {
      issues.push(
        `PROXY_API_KEYS entry ${i + 1} must be at least 16 printable characters without spaces (generate one with: openssl rand -hex 24)`,
      )
      return
    }
    if (space !== undefined && !/^\d+$/.test(space)) {
      issues.push(
        `PROXY_API_KEYS entry ${i + 1} has "@${space.length > 12 ? '…' : space}" but a space id must be a number (key@12345)`,
      )
      return
    }
    const existing = byKey.get(key) ?? { key, id: `key${byKey.size + 1}`, spaces: [] as number[] | 'all' }
    if (space === undefined) existing.spaces = 'all'
    else if (existing.spaces !== 'all') existing.spaces = [...existing.spaces, Number(space)]
    byKey.set(key, existing)
  })
  return [...byKey.values()]
}

const trimSlashes = (s: string) => s.replace(/^\/+|\/+$/g, '')

/**
 * CHANGE_SIGNING_SECRET: comma-separated, each at least 32 characters; required in production. Elsewhere (the
 * playground, tests) one is generated for the process, and main.ts warns that tokens end with it.
 */
function signingSecrets(raw: string, production: boolean, issues: string[]): { secrets: string[]; generated: boolean } {
  const secrets = listOf(raw)
  if (secrets.some((s) => s.length < 32 || !/^[\x21-\x7e]+$/.test(s)))
    issues.push(
      'CHANGE_SIGNING_SECRET entries must be at least 32 printable characters without spaces (generate one with: openssl rand -hex 32)',
    )
  if (secrets.length > 0) return { secrets, generated: false }
  if (production)
    issues.push(
      'CHANGE_SIGNING_SECRET is required in production (NODE_ENV=production): it signs proposals so that only they can be saved (openssl rand -hex 32)',
    )
  return { secrets: [randomBytes(32).toString('hex')], generated: true }
}

function listOf(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
}

/** Pure: env in, Config out; every problem reported at once in one ConfigError. Never echoes secret values. */
export function loadConfig(env: Env, { version = '0.0.0', name = 'Storyblok Voice Assistant' } = {}): Config {
  const parsed = v.safeParse(EnvSchema, env, { abortPipeEarly: true })
  if (!parsed.success) {
    throw new ConfigError(
      parsed.issues.map((issue) => {
        const key = issue.path?.[0]?.key
        return typeof key === 'string' && !issue.message.includes(key) ? `${key}: ${issue.message}` : issue.message
      }),
    )
  }
  const e = parsed.output
  // Checks across variables, collected so the operator sees every problem at once.
  const issues: string[] = []

  if (e.STORYBLOK_TOKEN && e.STORYBLOK_OAUTH_TOKEN) {
    issues.push('Set only one of STORYBLOK_TOKEN (personal access token) and STORYBLOK_OAUTH_TOKEN')
  }
  const apiKeys = parseApiKeys(e.PROXY_API_KEYS, issues)
  if (apiKeys.length === 0 && !issues.some((i) => i.startsWith('PROXY_API_KEYS'))) {
    issues.push(
      'PROXY_API_KEYS is required: a comma-separated list of keys the plugin sends as "Authorization: Bearer <key>" (npm run dev generates one for the playground)',
    )
  }
  const allowlist = listOf(e.SPACE_ALLOWLIST)
  if (allowlist.some((s) => !/^\d+$/.test(s))) issues.push('SPACE_ALLOWLIST must be comma-separated numeric space ids')
  // Unset means production: only Storyblok's plugin host. The playground passes its own localhost origins.
  const origins = e.ALLOWED_ORIGINS === undefined ? [PRODUCTION_PLUGIN_ORIGIN] : listOf(e.ALLOWED_ORIGINS)
  for (const o of origins) {
    if (o === '*')
      issues.push('ALLOWED_ORIGINS must list exact origins; "*" would let any website spend your AWS budget')
    else if (!/^https?:\/\/[^/\s]+$/.test(o))
      issues.push(
        `ALLOWED_ORIGINS entry "${o}" must be an origin like https://plugins.storyblok.com (scheme and host, no path)`,
      )
  }
  const languageOptions = listOf(e.TRANSCRIBE_LANGUAGE_OPTIONS)
  const signing = signingSecrets(e.CHANGE_SIGNING_SECRET, env['NODE_ENV'] === 'production', issues)
  const publicUrl = e.PUBLIC_URL?.replace(/\/+$/, '')
  if (publicUrl !== undefined && !/^https?:\/\/[^/\s]+$/.test(publicUrl))
    issues.push('PUBLIC_URL must be an origin like https://voice.example.com (scheme and host, no path)')
  const auth = authConfig(e, issues)
  if (issues.length > 0) throw new ConfigError(issues)

  return {
    service: { name, version },
    port: e.PORT,
    host: e.HOST,
    debug: e.DEBUG,
    simulated: e.PLAYGROUND_SIMULATED,
    logLevel: e.LOG_LEVEL,
    aws: {
      region: e.AWS_REGION ?? e.AWS_DEFAULT_REGION ?? 'us-east-1',
      ...(env['AWS_PROFILE'] ? { profile: env['AWS_PROFILE'] } : {}),
      ...(env['AWS_ENDPOINT_URL_BEDROCK_RUNTIME'] ? { bedrockEndpoint: env['AWS_ENDPOINT_URL_BEDROCK_RUNTIME'] } : {}),
      ...(env['AWS_ENDPOINT_URL_TRANSCRIBE_STREAMING']
        ? { transcribeEndpoint: env['AWS_ENDPOINT_URL_TRANSCRIBE_STREAMING'] }
        : {}),
      bearerTokenIgnored: Boolean(env['AWS_BEARER_TOKEN_BEDROCK']),
    },
    bedrock: {
      modelId: e.BEDROCK_MODEL_ID,
      ...(e.BEDROCK_MODEL_FAMILY ? { modelFamily: e.BEDROCK_MODEL_FAMILY } : {}),
      maxTokens: e.BEDROCK_MAX_TOKENS,
      firstTokenTimeoutMs: e.BEDROCK_TIMEOUT_MS,
      maxRetries: e.BEDROCK_MAX_RETRIES,
    },
    storyblok: {
      ...(e.STORYBLOK_TOKEN ? { token: { kind: 'personal' as const, value: e.STORYBLOK_TOKEN } } : {}),
      ...(e.STORYBLOK_OAUTH_TOKEN ? { token: { kind: 'oauth' as const, value: e.STORYBLOK_OAUTH_TOKEN } } : {}),
      ...(e.STORYBLOK_API_URL ? { apiUrl: e.STORYBLOK_API_URL.replace(/\/+$/, '').replace(/\/v1$/, '') } : {}),
      schemaTtlMs: e.SCHEMA_CACHE_TTL_SECONDS * 1000,
      requestsPerSecond: e.STORYBLOK_RATE_LIMIT_PER_SECOND,
      storyReadCacheMs: e.STORY_READ_CACHE_MS,
      ...(e.STYLE_GUIDE_STORY ? { styleGuideStory: trimSlashes(e.STYLE_GUIDE_STORY) } : {}),
      ...(e.STYLE_GUIDE_FOLDER ? { styleGuideFolder: trimSlashes(e.STYLE_GUIDE_FOLDER) } : {}),
    },
    authority: {
      signingSecrets: signing.secrets,
      signingSecretGenerated: signing.generated,
      proposalTtlMs: e.CHANGE_TOKEN_TTL_SECONDS * 1000,
      undoTtlMs: e.UNDO_TOKEN_TTL_SECONDS * 1000,
      allowPublish: e.ALLOW_PUBLISH,
      pluginFieldType: e.PLUGIN_FIELD_TYPE,
    },
    ...(publicUrl ? { publicUrl } : {}),
    transcribe: {
      ...(e.TRANSCRIBE_VOCABULARY_NAME ? { vocabularyName: e.TRANSCRIBE_VOCABULARY_NAME } : {}),
      languageOptions,
      maxSeconds: e.TRANSCRIBE_MAX_SECONDS,
      // Default: the audio limit plus a minute for pauses, the start and the final transcript.
      maxSessionMs: (e.TRANSCRIBE_MAX_SESSION_SECONDS ?? e.TRANSCRIBE_MAX_SECONDS + 60) * 1000,
      maxFrameBytes: e.TRANSCRIBE_MAX_FRAME_BYTES,
      maxSessionsPerKey: e.TRANSCRIBE_MAX_SESSIONS_PER_KEY,
      idleTimeoutMs: e.TRANSCRIBE_IDLE_TIMEOUT_SECONDS * 1000,
    },
    access: {
      apiKeys,
      spaceAllowlist: allowlist.length ? allowlist.map(Number) : 'all',
      allowedOrigins: origins,
      rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
      dailyTokenBudget: e.DAILY_TOKEN_BUDGET,
      bodyLimitBytes: e.BODY_LIMIT_BYTES,
      trustProxy: e.TRUST_PROXY,
    },
    sharedState: {
      ...(e.REDIS_URL ? { redisUrl: e.REDIS_URL } : {}),
      commandTimeoutMs: e.REDIS_COMMAND_TIMEOUT_MS,
    },
    auth,
    recorder: { pagePath: e.RECORDER_PAGE },
    shutdownGraceMs: e.SHUTDOWN_GRACE_SECONDS * 1000,
    maxConnections: e.MAX_CONNECTIONS,
  }
}

/** `rediss://host:6379` without the auth token, for logs and /ready. */
export function redisEndpoint(redisUrl: string): string {
  try {
    const u = new URL(redisUrl)
    return `${u.protocol}//${u.host}`
  } catch {
    return 'invalid URL'
  }
}

type ParsedEnv = v.InferOutput<typeof EnvSchema>

/** AUTH_MODE and what each mode needs; the client secret and session secret are only ever checked, never echoed. */
function authConfig(e: ParsedEnv, issues: string[]): Config['auth'] {
  const mode = e.AUTH_MODE
  const sessionTtlMs = e.SESSION_TTL_SECONDS * 1000
  if (mode === 'shared-token') return { mode, sessionTtlMs }
  if (mode === 'oauth' && (e.STORYBLOK_TOKEN || e.STORYBLOK_OAUTH_TOKEN)) {
    issues.push(
      "AUTH_MODE=oauth writes only with each editor's own sign-in: unset STORYBLOK_TOKEN/STORYBLOK_OAUTH_TOKEN, or use AUTH_MODE=both to keep the shared token for reads",
    )
  }
  const missing = (
    [
      ['STORYBLOK_OAUTH_CLIENT_ID', e.STORYBLOK_OAUTH_CLIENT_ID],
      ['STORYBLOK_OAUTH_CLIENT_SECRET', e.STORYBLOK_OAUTH_CLIENT_SECRET],
      ['STORYBLOK_OAUTH_REDIRECT_URI', e.STORYBLOK_OAUTH_REDIRECT_URI],
    ] as const
  ).filter(([, value]) => !value)
  for (const [name] of missing)
    issues.push(
      `${name} is required with AUTH_MODE=${mode} (from your app's OAuth settings in Storyblok; docs/STORYBLOK.md)`,
    )
  const redirect = e.STORYBLOK_OAUTH_REDIRECT_URI ? new URL(e.STORYBLOK_OAUTH_REDIRECT_URI) : undefined
  if (redirect && !redirect.pathname.endsWith('/auth/callback'))
    issues.push(
      "STORYBLOK_OAUTH_REDIRECT_URI must be this proxy's /auth/callback URL, like https://assistant.example.com/auth/callback",
    )
  const loopback = (u: URL) => u.hostname === '127.0.0.1' || u.hostname === 'localhost' || u.hostname === '[::1]'
  if (redirect && redirect.protocol !== 'https:' && !loopback(redirect))
    issues.push('STORYBLOK_OAUTH_REDIRECT_URI must use https (http only on localhost)')
  if (!e.SESSION_SECRET || e.SESSION_SECRET.length < 32)
    issues.push(
      `SESSION_SECRET is required with AUTH_MODE=${mode}: at least 32 characters (generate one with: openssl rand -hex 32)`,
    )
  const baseUrl = (e.STORYBLOK_OAUTH_URL ?? DEFAULT_OAUTH_URL).replace(/\/+$/, '')
  return {
    mode,
    sessionTtlMs,
    ...(e.SESSION_SECRET ? { sessionSecret: e.SESSION_SECRET } : {}),
    ...(e.STORYBLOK_OAUTH_CLIENT_ID && e.STORYBLOK_OAUTH_CLIENT_SECRET && e.STORYBLOK_OAUTH_REDIRECT_URI
      ? {
          oauth: {
            clientId: e.STORYBLOK_OAUTH_CLIENT_ID,
            clientSecret: e.STORYBLOK_OAUTH_CLIENT_SECRET,
            redirectUri: e.STORYBLOK_OAUTH_REDIRECT_URI,
            baseUrl,
            scope: 'read_content write_content',
          },
        }
      : {}),
  }
}

/** The boot summary: what an operator needs to see, secrets shown only as "set". */
export function describeConfig(config: Config): Record<string, unknown> {
  return {
    service: config.service.name,
    version: config.service.version,
    region: config.aws.region,
    modelId: config.bedrock.modelId,
    // What the proxy assumes about the model (docs/AWS_SETUP.md#model-capabilities); "unknown" means conservative.
    modelFamily: modelCapabilities(config.bedrock.modelId, config.bedrock.modelFamily).family,
    storyblokAuth: config.storyblok.token ? `set (${config.storyblok.token.kind})` : 'not set',
    authMode: config.auth.mode,
    ...(config.auth.oauth
      ? { oauthClient: 'set', oauthRedirectUri: config.auth.oauth.redirectUri, oauthUrl: config.auth.oauth.baseUrl }
      : {}),
    storyblokApi: config.storyblok.apiUrl ?? 'by space region',
    proxyKeys: config.access.apiKeys.length,
    changeSigning: config.authority.signingSecretGenerated
      ? 'generated for this process'
      : `set (${config.authority.signingSecrets.length})`,
    allowPublish: config.authority.allowPublish,
    allowedOrigins: config.access.allowedOrigins,
    sharedState: config.sharedState.redisUrl ? `redis (${redisEndpoint(config.sharedState.redisUrl)})` : 'in process',
    debug: config.debug,
  }
}
