import type { Usage } from '../shared/contract.ts'
import type { Config } from './loadConfig.ts'
import type { SharedState } from './state/sharedState.ts'
import type { StoryblokOAuth } from './session/storyblokOAuthPort.ts'

// ---------- Bedrock (Claude via Converse / ConverseStream) ----------

export type ChatContent =
  | { text: string }
  | { cachePoint: { type: 'default' } }
  | { toolUse: { toolUseId: string; name: string; input: unknown } }
  /** Claude's reasoning, echoed back unchanged (signature included) when a tool turn continues. */
  | { reasoningContent: ReasoningBlock }
  | {
      toolResult: {
        toolUseId: string
        content: Array<{ text: string } | { json: unknown }>
        status?: 'success' | 'error'
      }
    }

export type ReasoningBlock =
  | { reasoningText: { text: string; signature?: string }; redactedContent?: never }
  | { redactedContent: Uint8Array; reasoningText?: never }

export type ChatMessage = { role: 'user' | 'assistant'; content: ChatContent[] }

export type ToolSpec = {
  name: string
  description: string
  inputSchema: Record<string, unknown>
  /** Ask Bedrock to constrain the tool input to the schema (only for models that support strict tools). */
  strict?: boolean
}

export type ModelRequest = {
  /** System blocks; a `{ cachePoint }` entry marks the end of a cacheable prefix. */
  system: Array<{ text: string } | { cachePoint: { type: 'default' } }>
  messages: ChatMessage[]
  tools?: ToolSpec[]
  /** 'auto' lets Claude answer in text only; 'any' forces a tool call. */
  toolChoice?: 'auto' | 'any' | { tool: string }
  maxTokens?: number
  temperature?: number
}

export type { Usage }

/** Normalised stream events; adapters translate the SDK's union into these. */
export type ModelEvent =
  | { type: 'text'; index: number; delta: string }
  | { type: 'toolUseStart'; index: number; toolUseId: string; name: string }
  | { type: 'toolUseDelta'; index: number; input: string }
  | { type: 'blockStop'; index: number }
  /** Reasoning (thinking) deltas: never an answer; kept only to echo the block back on a tool turn. */
  | { type: 'reasoning'; index: number; text?: string; signature?: string; redacted?: Uint8Array }
  | { type: 'messageStop'; stopReason: string }
  | { type: 'usage'; usage: Usage }

export type ModelReply = {
  text: string
  toolUses: Array<{ toolUseId: string; name: string; input: unknown }>
  stopReason: string
  usage: Usage
}

export interface Bedrock {
  readonly modelId: string
  /** The capability family the operator named (BEDROCK_MODEL_FAMILY) when the id does not say it. */
  readonly modelFamily?: string
  readonly region: string
  /**
   * ConverseStream. Yields events as they arrive; throws AppError (mapped AWS failure) and ends with
   * `bedrock_stream_truncated` when the stream stops without messageStop. Aborting `signal` cancels the upstream call.
   */
  stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelEvent>
  /** Converse (non-streaming). Same error mapping. */
  converse(request: ModelRequest, signal: AbortSignal): Promise<ModelReply>
}

// ---------- AWS credentials (default provider chain) ----------

export type CredentialCheck =
  | { ok: true; source: string; expiresAt?: Date; error?: never }
  | { ok: false; source?: never; error: string; /** For the operator's log only, never a reply. */ detail?: string }

export interface Credentials {
  /** Resolves the default chain once (cached by the SDK); never returns secret values. */
  check(): Promise<CredentialCheck>
}

// ---------- Storyblok Management API ----------

export type Blok = { _uid: string; component: string; [field: string]: unknown }

export type Story = {
  id: number
  name: string
  slug: string
  full_slug?: string
  updated_at: string
  /** The id of the story's newest version (Management API story field), when the reply carries it. */
  current_version_id?: number
  content: Blok
  [key: string]: unknown
}

export type ComponentField = {
  type: string
  display_name?: string | null
  pos?: number
  required?: boolean
  translatable?: boolean
  max_length?: string | number | null
  options?: Array<{ name: string; value: string }>
  source?: string | null
  component_whitelist?: string[]
  restrict_components?: boolean
  maximum?: string | number | null
  minimum?: string | number | null
  [key: string]: unknown
}

export type Component = {
  name: string
  display_name?: string | null
  is_root?: boolean
  is_nestable?: boolean
  schema: Record<string, ComponentField>
  [key: string]: unknown
}

/** Where a read or write goes: the main draft, or a release's version of the story. */
export type StoryTarget = { releaseId?: number | undefined }

/** One entry of GET story_versions (newest first). `content` only when asked for. */
export type StoryVersion = {
  id: number
  createdAt: string
  userId: number | null
  /** The author's display name ("friendly_name", else first + last name), or null. */
  author: string | null
  releaseId: number | null
  status: string | null
  content?: Blok
}

export interface Storyblok {
  /** The saved draft of a story (of `at.releaseId` when given). Throws AppError `storyblok_*` on failure. */
  getStory(spaceId: number, storyId: number, signal?: AbortSignal, at?: StoryTarget): Promise<Story>
  /** Component schemas of the space (cached per space for a short TTL by the adapter). */
  getComponents(spaceId: number, signal?: AbortSignal): Promise<Component[]>
  /**
   * One PUT of the whole story content. Returns the saved story. Never sends `force_update`: a story locked by
   * another user fails with `story_locked`.
   */
  updateStory(
    spaceId: number,
    storyId: number,
    content: Blok,
    options?: { publish?: boolean; signal?: AbortSignal; releaseId?: number | undefined },
  ): Promise<Story>
  /** The story's versions, newest first (one page of at most 100). */
  listVersions(
    spaceId: number,
    storyId: number,
    options?: { releaseId?: number | undefined; perPage?: number; showContent?: boolean; signal?: AbortSignal },
  ): Promise<StoryVersion[]>
  /** Finds a story by full slug (for the brand-voice guide); null when it does not exist. */
  findStoryBySlug?(spaceId: number, slug: string, signal?: AbortSignal): Promise<Story | null>
}

// ---------- Amazon Transcribe streaming ----------

export type TranscriptEvent =
  { type: 'partial'; text: string } | { type: 'final'; text: string } | { type: 'language'; languageCode: string }

export type TranscribeOptions = {
  languageCode?: string
  identifyLanguage?: boolean
  languageOptions?: string[]
  vocabularyName?: string
  sampleRate: number
  signal: AbortSignal
}

export interface TranscribeSession {
  /** Queue a chunk of 16-bit LE mono PCM. */
  write(chunk: Uint8Array): void
  /** No more audio; the upstream stream is ended cleanly. */
  end(): void
  /** Transcript events until the upstream stream ends; throws AppError `transcribe_*`. */
  events: AsyncIterable<TranscriptEvent>
}

export interface Transcribe {
  start(options: TranscribeOptions): TranscribeSession
}

// ---------- Clock and log ----------

export interface Clock {
  now(): number
}

export type LogFields = Record<string, unknown>

export interface Log {
  debug(msg: string, fields?: LogFields): void
  info(msg: string, fields?: LogFields): void
  warn(msg: string, fields?: LogFields): void
  error(msg: string, fields?: LogFields): void
}

export type Deps = {
  config: Config
  /** Storyblok's OAuth server (AUTH_MODE oauth/both). */
  storyblokOAuth?: StoryblokOAuth
  /** The Storyblok port with one editor's OAuth access token (AUTH_MODE oauth/both). */
  storyblokAs?: (accessToken: string) => Storyblok
  bedrock: Bedrock
  storyblok: Storyblok
  transcribe: Transcribe
  credentials: Credentials
  clock: Clock
  log: Log
  /** State all instances see alike (Valkey/Redis with REDIS_URL); without it createApp keeps it in process. */
  sharedState?: SharedState
}
