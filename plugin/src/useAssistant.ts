import { computed, onScopeDispose, shallowRef } from 'vue'
import {
  MAX_THREAD_MESSAGES,
  type ChangesBody,
  type ChangeSet,
  type ConversationBody,
  type LedgerChangeSet,
  type SseEvent,
} from '../../shared/contract.ts'
import type { ProxyClient } from './api/createProxyClient.ts'
import { PluginError, toPluginError } from './pluginError.ts'
import { changesWithUnsavedEdits } from './draftCheck.ts'
import {
  initialState,
  isBusy,
  reduce,
  selectedChanges,
  toChangeInput,
  type Action,
  type AssistantState,
  type Kept,
} from './state.ts'

/** Who and where: read fresh from the editor state at each request. */
export type RequestContext = {
  spaceId: number | undefined
  storyId: number | undefined
  userId: number | undefined
  language: string
  styleGuideStory: string
  blockUid: string | undefined
  historyField: string | undefined
  /** The release the editor works in (plugin state `releaseId`); undefined: the main draft. */
  releaseId?: number | undefined
}

export type AssistantDeps = {
  client: ProxyClient
  /** The editor's current draft (with timeout); used to refuse applying over unsaved edits. */
  requestDraft: () => Promise<{ content: Record<string, unknown> }>
  context: () => RequestContext
  /** Where the conversation and proposal survive a plugin reload (sessionStorage in the editor). */
  keep?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | undefined
}

function actionFor(event: SseEvent): Action | undefined {
  switch (event.event) {
    case 'meta':
      return { type: 'meta', requestId: event.data.requestId, modelId: event.data.modelId }
    case 'notice':
      return { type: 'notice', notice: event.data }
    case 'text':
      return { type: 'text', delta: event.data.delta }
    case 'change':
      return { type: 'change', change: event.data }
    case 'proposal':
      return { type: 'proposal', proposal: event.data }
    case 'usage':
      return { type: 'usage', usage: event.data }
    default:
      return undefined
  }
}

/**
 * The conversation, proposal, apply and undo of one panel. The one place that catches: every failure becomes
 * `{type:'error', error, retry}` in the state, which ErrorNotice shows.
 */
export function useAssistant({ client, requestDraft, context, keep }: AssistantDeps) {
  const state = shallowRef<AssistantState>(initialState)
  const keyOf = () => {
    const { spaceId, storyId, releaseId } = context()
    return spaceId && storyId ? `voice-assistant:${spaceId}:${storyId}:${releaseId ?? 'draft'}` : undefined
  }
  const dispatch = (a: Action) => {
    state.value = reduce(state.value, a)
    // Saving the story reloads the plugin: the proposal the editor was asked to save first must still be there.
    const key = keyOf()
    if (!keep || !key || a.type === 'text' || a.type === 'ledger') return
    const { messages, changes, proposal, lastApply } = state.value
    try {
      if (messages.length || changes.length)
        keep.setItem(key, JSON.stringify({ messages, changes, proposal, lastApply }))
      else keep.removeItem(key)
    } catch {
      // Storage full or blocked: the proposal just does not survive a reload.
    }
  }
  try {
    const key = keyOf()
    const raw = key ? keep?.getItem(key) : undefined
    if (raw) {
      const kept = JSON.parse(raw) as Kept
      if (Array.isArray(kept.messages) && Array.isArray(kept.changes)) dispatch({ type: 'resume', kept })
    }
  } catch {
    // Unreadable: start fresh.
  }
  let abort: AbortController | undefined

  function ids() {
    const { spaceId, storyId } = context()
    if (!spaceId || !storyId)
      throw new PluginError({
        code: 'not_configured',
        message: 'This field is not inside a saved story.',
        hint: 'Open the plugin from a story in the Visual Editor.',
      })
    return { spaceId, storyId }
  }

  async function converse() {
    abort?.abort()
    const controller = new AbortController()
    abort = controller
    try {
      const ctx = context()
      const body: ConversationBody = {
        ...ids(),
        // The proxy trims what Claude sees; the body stays within its bound however long the thread grows.
        messages: state.value.messages.slice(-MAX_THREAD_MESSAGES).map((m) => ({ ...m })),
        ...(ctx.language ? { language: ctx.language } : {}),
        ...(ctx.blockUid ? { focus: { blockUid: ctx.blockUid } } : {}),
        ...(ctx.styleGuideStory ? { styleGuideStory: ctx.styleGuideStory } : {}),
        ...(ctx.releaseId ? { releaseId: ctx.releaseId } : {}),
      }
      for await (const event of client.converse(body, { signal: controller.signal })) {
        const action = actionFor(event)
        if (action) dispatch(action)
      }
      dispatch({ type: controller.signal.aborted ? 'cancelled' : 'finished' })
    } catch (err) {
      if (controller.signal.aborted) dispatch({ type: 'cancelled' })
      else dispatch({ type: 'failed', error: toPluginError(err), retry: 'send' })
    } finally {
      if (abort === controller) abort = undefined
    }
  }

  function send(prompt: string) {
    const text = prompt.trim()
    if (!text || isBusy(state.value)) return
    dispatch({ type: 'send', prompt: text })
    void converse()
  }

  function cancel() {
    abort?.abort()
  }

  const lastTranscript = () => [...state.value.messages].reverse().find((m) => m.role === 'user')?.content

  /**
   * `token`: the proxy's signature of what may be written (the proposal's, the apply's undo token, or one the ledger
   * handed out); `set`: a change set of the ledger, written again or undone.
   */
  function writeBody(
    changes: ChangesBody['changes'],
    token: string | undefined,
    set?: Pick<LedgerChangeSet, 'id' | 'transcript'>,
  ): Omit<ChangesBody, 'reason'> {
    const ctx = context()
    const transcript = set ? set.transcript : lastTranscript()
    const changeSetId = set?.id ?? state.value.lastApply?.changeSetId ?? state.value.proposal?.changeSetId
    return {
      ...ids(),
      changes,
      token,
      ...(transcript ? { transcript: transcript.slice(0, 8000) } : {}),
      ...(changeSetId ? { changeSetId } : {}),
      ...(ctx.historyField && ctx.blockUid
        ? { historyField: { blockUid: ctx.blockUid, field: ctx.historyField } }
        : {}),
      ...(ctx.userId !== undefined ? { userId: ctx.userId } : {}),
      ...(ctx.releaseId ? { releaseId: ctx.releaseId } : {}),
    }
  }

  /** The story's change sets from its versions; a failure only leaves the list as it was. */
  async function loadLedger() {
    const ctx = context()
    if (!ctx.spaceId || !ctx.storyId || !ctx.historyField || !ctx.blockUid) return
    try {
      const result = await client.ledger({
        spaceId: ctx.spaceId,
        storyId: ctx.storyId,
        historyField: { blockUid: ctx.blockUid, field: ctx.historyField },
        ...(ctx.releaseId ? { releaseId: ctx.releaseId } : {}),
      })
      dispatch({ type: 'ledger', changeSets: result.changeSets })
    } catch {
      // The ledger is extra safety; the panel works without it.
    }
  }

  /** `checked: false` skips the unsaved-edit check after the editor chose to (the draft could not be read). */
  async function apply({ checked = true }: { checked?: boolean } = {}) {
    const picked = selectedChanges(state.value)
    if (picked.length === 0 || isBusy(state.value)) return
    dispatch({ type: 'checkStart' })
    try {
      if (checked) {
        let draft: { content: Record<string, unknown> }
        try {
          draft = await requestDraft()
        } catch (err) {
          return dispatch({ type: 'draftUnavailable', error: toPluginError(err) })
        }
        const unsaved = changesWithUnsavedEdits(
          draft.content,
          picked.map((p) => p.change),
        )
        if (unsaved.length > 0) return dispatch({ type: 'unsaved', labels: unsaved.map((c) => c.label) })
      }
      dispatch({ type: 'applyStart' })
      const result = await client.apply(writeBody(picked.map(toChangeInput), state.value.proposal?.token))
      dispatch({
        type: 'applied',
        undo: result.undo,
        changeIds: picked.map((p) => p.change.id),
        written: result.applied,
        ...(result.conflicts?.length ? { conflicts: result.conflicts } : {}),
        undoToken: result.undoToken,
        rebaseToken: result.rebaseToken,
      })
      void loadLedger()
    } catch (err) {
      const error = toPluginError(err)
      if (error.conflicts) dispatch({ type: 'conflict', conflicts: error.conflicts, rebaseToken: error.rebaseToken })
      else dispatch({ type: 'failed', error, retry: 'apply' })
    }
  }

  async function undo() {
    const last = state.value.lastApply
    if (!last || isBusy(state.value)) return
    dispatch({ type: 'undoStart' })
    try {
      const result = await client.undo(writeBody(last.undo, last.undoToken))
      dispatch({
        type: 'undone',
        written: result.applied,
        ...(result.conflicts?.length ? { conflicts: result.conflicts } : {}),
      })
      void loadLedger()
    } catch (err) {
      const error = toPluginError(err)
      if (error.conflicts) dispatch({ type: 'conflict', conflicts: error.conflicts, rebaseToken: error.rebaseToken })
      else dispatch({ type: 'failed', error, retry: 'undo' })
    }
  }

  /** Restore (a stale save reverted it) or undo one change set of the ledger: a normal, conflict-checked write. */
  async function writeFromLedger(set: LedgerChangeSet, reason: 'apply' | 'undo') {
    const changes: ChangeSet | undefined = reason === 'apply' ? set.restore : set.undo
    if (!changes?.length || isBusy(state.value)) return
    dispatch({ type: reason === 'apply' ? 'applyStart' : 'undoStart' })
    try {
      const body = writeBody(changes, reason === 'apply' ? set.restoreToken : set.undoToken, set)
      const result = reason === 'apply' ? await client.apply(body) : await client.undo(body)
      dispatch({
        type: 'ledgerWritten',
        reason,
        written: result.applied,
        ...(result.conflicts?.length ? { conflicts: result.conflicts } : {}),
      })
    } catch (err) {
      const error = toPluginError(err)
      if (error.conflicts) dispatch({ type: 'conflict', conflicts: error.conflicts, rebaseToken: error.rebaseToken })
      else dispatch({ type: 'failed', error })
    }
    void loadLedger()
  }

  /** "Ask again on the current text": the last request once more; the proxy reads the story afresh. */
  function askAgain() {
    const prompt = lastTranscript()
    if (prompt) send(prompt)
  }

  function retry() {
    const s = state.value.status
    if (s.type === 'draftUnavailable') return void apply()
    if (s.type !== 'error') return
    if (s.retry === 'send') {
      dispatch({ type: 'retrySend' })
      void converse()
    } else if (s.retry === 'apply') void apply()
    else if (s.retry === 'undo') void undo()
  }

  /** Applies exactly these changes (a spoken "apply one and three"): the selection follows, then Apply. */
  function applyOnly(ids: string[]) {
    if (isBusy(state.value)) return
    dispatch({ type: 'selectOnly', ids })
    void apply()
  }

  onScopeDispose(() => abort?.abort())

  return {
    state,
    busy: computed(() => isBusy(state.value)),
    send,
    cancel,
    apply: () => apply(),
    applyUnchecked: () => apply({ checked: false }),
    undo,
    retry,
    applyOnly,
    /** Takes the failed request out of the thread and returns its text, for the editor to change and send again. */
    withdraw(): string {
      const text = lastTranscript() ?? ''
      dispatch({ type: 'withdraw' })
      return text
    },
    discard: () => dispatch({ type: 'discard' }),
    newConversation: () => dispatch({ type: 'reset' }),
    loadLedger,
    restore: (set: LedgerChangeSet) => writeFromLedger(set, 'apply'),
    undoChangeSet: (set: LedgerChangeSet) => writeFromLedger(set, 'undo'),
    askAgain,
    keepTheirs: (index: number) => dispatch({ type: 'keepTheirs', index }),
    useAssistant: (index: number) => dispatch({ type: 'useAssistant', index }),
    storySeen: () => dispatch({ type: 'storySeen' }),
    toggle: (id: string, selected: boolean) => dispatch({ type: 'toggle', id, selected }),
    edit: (id: string, after: unknown) => dispatch({ type: 'edit', id, after }),
    dismiss: () => dispatch({ type: 'dismiss' }),
  }
}
