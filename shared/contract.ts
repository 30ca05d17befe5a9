/**
 * The wire contract between the plugin and the proxy: request bodies (valibot schemas, used by the routes),
 * SSE events and WebSocket messages (types, imported by the plugin with `import type`).
 */
import * as v from 'valibot'
import type { ErrorCode } from './errorCodes.ts'
import type { HistoryChange } from './historyEntry.ts'

/** Turns Claude sees at most; a longer thread is trimmed by the proxy (oldest first), not refused. */
export const MAX_MESSAGES = 40
/** The longest request an editor can send in one turn (the plugin counts down to it). */
export const MAX_MESSAGE_CHARS = 8_000
/** Bounds on what a body may carry: older turns beyond MAX_MESSAGES / MAX_MESSAGE_CHARS are trimmed, not refused. */
export const MAX_THREAD_MESSAGES = 200
export const MAX_OLDER_MESSAGE_CHARS = 32_000

const Id = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(Number.MAX_SAFE_INTEGER))
/** A Storyblok release id; 0 and null (the plugin's "no release") mean the main draft. */
const ReleaseId = v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(Number.MAX_SAFE_INTEGER)))
const ShortString = (max: number) => v.pipe(v.string(), v.minLength(1), v.maxLength(max))
/** A Storyblok language code as used in `field__i18n__<lang>` (e.g. "de", "pt-br"); "default" means none. */
export const LanguageSchema = v.pipe(
  v.string(),
  v.maxLength(20),
  v.regex(/^[A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8})*$|^default$|^$/, 'must be a language code like "de" or "en-US"'),
)

/** One turn of the conversation as the plugin sends it (text only; the proxy builds the model's content blocks). */
export const ChatMessageSchema = v.strictObject({
  role: v.picklist(['user', 'assistant']),
  content: v.pipe(
    v.string(),
    v.minLength(1, 'must not be empty'),
    v.maxLength(MAX_OLDER_MESSAGE_CHARS, `must be at most ${MAX_OLDER_MESSAGE_CHARS} characters`),
  ),
})

export type WireMessage = v.InferOutput<typeof ChatMessageSchema>

export const FocusSchema = v.strictObject({
  blockUid: ShortString(100),
  field: v.optional(ShortString(200)),
})

export const ConversationBodySchema = v.pipe(
  v.strictObject({
    spaceId: Id,
    storyId: Id,
    messages: v.pipe(
      v.array(ChatMessageSchema),
      v.minLength(1, 'must contain at least one message'),
      v.maxLength(MAX_THREAD_MESSAGES, `must contain at most ${MAX_THREAD_MESSAGES} messages`),
    ),
    language: v.optional(LanguageSchema),
    focus: v.optional(FocusSchema),
    /** The editor's unsaved story content (from requestContext), used as the outline when present. */
    draft: v.optional(v.record(v.string(), v.unknown())),
    /**
     * Full slug of the brand style guide story: only STYLE_GUIDE_STORY itself or a story inside STYLE_GUIDE_FOLDER
     * (the operator's choice; anything else is refused).
     */
    styleGuideStory: v.optional(v.pipe(v.string(), v.maxLength(300))),
    /** The release the editor works in (the plugin state's `releaseId`): the proposal is made against its copy. */
    releaseId: v.optional(ReleaseId),
  }),
  v.check((b) => b.messages[b.messages.length - 1]?.role === 'user', 'the last message must come from the user'),
  v.check(
    (b) => (b.messages[b.messages.length - 1]?.content.length ?? 0) <= MAX_MESSAGE_CHARS,
    `the newest message must be at most ${MAX_MESSAGE_CHARS} characters`,
  ),
)
export type ConversationBody = v.InferOutput<typeof ConversationBodySchema>

const FieldValue = v.unknown()

export const ChangeInputSchema = v.strictObject({
  blockUid: ShortString(100),
  field: ShortString(200),
  language: v.optional(LanguageSchema),
  before: FieldValue,
  after: FieldValue,
  /** Present when the change adds a new nested blok: the parent field holding the list. */
  id: v.optional(ShortString(100)),
})
export type ChangeInput = v.InferOutput<typeof ChangeInputSchema>

export const ChangesBodySchema = v.strictObject({
  spaceId: Id,
  storyId: Id,
  changes: v.pipe(v.array(ChangeInputSchema), v.minLength(1, 'must contain at least one change'), v.maxLength(200)),
  publish: v.optional(v.boolean()),
  reason: v.optional(v.picklist(['apply', 'undo'])),
  transcript: v.optional(v.pipe(v.string(), v.maxLength(MAX_MESSAGE_CHARS))),
  changeSetId: v.optional(ShortString(100)),
  historyField: v.optional(v.strictObject({ blockUid: ShortString(100), field: ShortString(200) })),
  /** A claim, recorded as such in the audit and the history: the proxy cannot verify who the editor is. */
  userId: v.optional(v.nullable(v.number())),
  /** Write to this release's copy of the story instead of the main draft. */
  releaseId: v.optional(ReleaseId),
  /** The proxy-signed token of the proposal (apply) or of the apply's reply (undo); see docs/API.md. */
  token: v.optional(v.pipe(v.string(), v.maxLength(100_000))),
})
export type ChangesBody = v.InferOutput<typeof ChangesBodySchema>

/** POST /api/changes/history: the assistant's change sets of one story, read from Storyblok's story versions. */
export const LedgerBodySchema = v.strictObject({
  spaceId: Id,
  storyId: Id,
  /** The plugin's own field, where each write records its change set. */
  historyField: v.strictObject({ blockUid: ShortString(100), field: ShortString(200) }),
  releaseId: v.optional(ReleaseId),
})
export type LedgerBody = v.InferOutput<typeof LedgerBodySchema>

/** Who saved a version, and when. */
export type VersionRef = { versionId: number; author: string | null; at: string }

/**
 * One change set of the assistant as the story's versions show it.
 * - `applied`: every field still holds the assistant's value;
 * - `undone`: an undo of it was written;
 * - `reverted`: every field holds its `before` again and no undo was written — a save of an older open copy (a
 *   "stale save") put them back; `restore` re-applies it on the current text;
 * - `edited`: some fields were changed since (by hand); `undo` still reverts the others.
 */
export type LedgerChangeSet = {
  id: string
  at: string
  transcript: string
  modelId: string
  /** The write that recorded it (null when only the current content holds it). */
  written: VersionRef | null
  changes: HistoryChange[]
  state: 'applied' | 'undone' | 'reverted' | 'edited'
  revertedBy?: VersionRef
  /** The inverse change set (send with `undoToken`); empty when undone. */
  undo: ChangeSet
  /** Signed by the proxy, which read this change set from the story's versions itself: send it with `undo`. */
  undoToken?: string
  /** Only when `reverted`: the change set again, against the current text (send with `restoreToken`). */
  restore?: ChangeSet
  restoreToken?: string
}

/** 200 reply of POST /api/changes/history. Newest first. */
export type LedgerResult = {
  storyId: number
  releaseId: number | null
  /** The story's updated_at the states were computed against. */
  version: string
  changeSets: LedgerChangeSet[]
}

// ---------- Proposals ----------

/** One proposed change to one field, as shown in the plugin's preview. */
export type Change = {
  id: string
  blockUid: string
  component: string
  field: string
  fieldType: string
  /** The Storyblok language of the value ("default" for the main language). */
  language: string
  before: unknown
  after: unknown
  /** Human path, e.g. "Page › FAQ › Item 2 › Answer". */
  label: string
  /** Present when validation failed after the repair round: the change is shown, but cannot be applied. */
  invalid?: string
}

export type Proposal = {
  changeSetId: string
  storyId: number
  /** The story's updated_at the proposal was made against. */
  baseVersion: string
  /** The release whose copy of the story the proposal was made against (absent: the main draft). */
  releaseId?: number
  changes: Change[]
  /** A question back to the editor when the request was ambiguous. */
  question?: string
  /**
   * Signed by the proxy: the targets (block, field, language, `before`) of `changes`. POST /api/changes accepts only
   * these targets; absent when there are no changes.
   */
  token?: string
}

/** Tokens of one Bedrock call, as Converse reports them. */
export type Usage = {
  inputTokens: number
  outputTokens: number
  cacheReadInputTokens?: number
  cacheWriteInputTokens?: number
  latencyMs: number
}

export type UsageInfo = Usage & { modelId: string }

/**
 * Something the editor should know that does not stop the answer: a style guide in use, missing or truncated, a
 * story that could not be read, changes dropped after the repair round.
 */
export type Notice = {
  code:
    | 'style_guide_active'
    | 'style_guide_truncated'
    | 'style_guide_missing'
    | 'style_guide_unavailable'
    | 'story_unavailable'
    | 'changes_dropped'
    | (string & {})
  message: string
  /** For style-guide notices: the guide story, so the plugin can link to it. */
  slug?: string
  storyId?: number
}

// ---------- SSE events of POST /api/conversation ----------

export type SseEvent =
  | { event: 'meta'; data: { requestId: string; modelId: string; simulated?: boolean } }
  | { event: 'notice'; data: Notice }
  | { event: 'text'; data: { delta: string } }
  | { event: 'change'; data: Change }
  | { event: 'proposal'; data: Proposal }
  | { event: 'usage'; data: UsageInfo }
  | { event: 'error'; data: { code: ErrorCode; message: string; hint?: string; requestId: string } }
  | { event: 'done'; data: Record<string, never> }

/** `Accept: application/json` reply of POST /api/conversation. */
export type ConversationResult = {
  requestId: string
  modelId: string
  text: string
  notices: Notice[]
  proposal?: Proposal
  usage?: UsageInfo
}

/**
 * The changes one story write makes together, and undoes together: POST /api/changes takes one (`changes`) and
 * answers with the set it applied and the set that undoes it.
 */
export type ChangeSet = ChangeInput[]

/** 200 reply of POST /api/changes. */
export type ChangesResult = {
  storyId: number
  version: string
  applied: ChangeSet
  undo: ChangeSet
  /** Signed by the proxy: send it with `undo` (as `token`) to undo this write; absent after an undo. */
  undoToken?: string
  /** With apply `conflicts`: the token for writing the assistant's value over theirs ("use the assistant's"). */
  rebaseToken?: string
  /**
   * Undo: fields a human changed since the apply, left alone. Apply: fields another writer saved between the
   * proxy's read and its write (see `raced`); theirs were kept, `actual` is their value.
   */
  conflicts?: Conflict[]
  /** Another save landed between the proxy's read and its write; its fields were restored with one more write. */
  raced?: VersionRef & { restored: boolean }
  /** The release written to, when not the main draft. */
  releaseId?: number
}

export type Conflict = { blockUid: string; field: string; language?: string; expected: unknown; actual: unknown }

// ---------- WebSocket: /api/transcribe (owned by the voice work; see proxy/transcript/) ----------

/** 200 reply of POST /api/transcribe/ticket. `url` is the ws(s) URL to open; the ticket works once, briefly. */
export type TranscribeTicket = { ticket: string; expiresInSeconds: number; url: string }

/** Client → server, first text frame. Binary frames of 16-bit LE mono PCM follow, then `{type:'stop'}`. */
export const WsStartSchema = v.strictObject({
  type: v.literal('start'),
  /** Editor UI/story language (`de`, `en-US`, `default`) or a Transcribe code; `auto` asks for identification. */
  language: v.optional(v.pipe(v.string(), v.maxLength(20))),
  /** Identify the language among TRANSCRIBE_LANGUAGE_OPTIONS (needs at least two configured). */
  identifyLanguage: v.optional(v.boolean()),
  sampleRate: v.literal(16_000),
  encoding: v.literal('pcm'),
})
export const WsStopSchema = v.strictObject({ type: v.literal('stop') })
export const WsClientMessageSchema = v.variant('type', [WsStartSchema, WsStopSchema])
export type WsClientMessage = v.InferOutput<typeof WsClientMessageSchema>

/** Server → client. After `error` or `end` the server closes the socket. */
export type WsServerMessage =
  | { type: 'ready'; languageCode?: string; identifyLanguage?: boolean; maxSeconds: number; maxFrameBytes: number }
  | { type: 'partial'; text: string }
  | { type: 'final'; text: string }
  | { type: 'language'; languageCode: string }
  | { type: 'error'; code: ErrorCode; message: string; hint?: string }
  | { type: 'end' }

/** Close codes the server uses: 1000 after `end`, 4000 + HTTP-like status after `error` (e.g. 4413, 4429, 4503). */
export const WS_CLOSE_NORMAL = 1000
