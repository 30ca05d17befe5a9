import { computed, onScopeDispose, shallowRef } from 'vue'
import { MAX_THREAD_MESSAGES, type ChangesBody, type ConversationBody, type SseEvent } from '../../shared/contract.ts'
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
}

export type AssistantDeps = {
  client: ProxyClient
  /** The editor's current draft (with timeout); used to refuse applying over unsaved edits. */
  requestDraft: () => Promise<{ content: Record<string, unknown> }>
  context: () => RequestContext
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
export function useAssistant({ client, requestDraft, context }: AssistantDeps) {
  const state = shallowRef<AssistantState>(initialState)
  const dispatch = (a: Action) => {
    state.value = reduce(state.value, a)
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

  function writeBody(changes: ChangesBody['changes']): Omit<ChangesBody, 'reason'> {
    const ctx = context()
    const transcript = lastTranscript()
    const changeSetId = state.value.lastApply?.changeSetId ?? state.value.proposal?.changeSetId
    return {
      ...ids(),
      changes,
      ...(transcript ? { transcript: transcript.slice(0, 8000) } : {}),
      ...(changeSetId ? { changeSetId } : {}),
      ...(ctx.historyField && ctx.blockUid
        ? { historyField: { blockUid: ctx.blockUid, field: ctx.historyField } }
        : {}),
      ...(ctx.userId !== undefined ? { userId: ctx.userId } : {}),
    }
  }

  async function apply() {
    const picked = selectedChanges(state.value)
    if (picked.length === 0 || isBusy(state.value)) return
    dispatch({ type: 'checkStart' })
    try {
      const draft = await requestDraft()
      const unsaved = changesWithUnsavedEdits(
        draft.content,
        picked.map((p) => p.change),
      )
      if (unsaved.length > 0) return dispatch({ type: 'unsaved', labels: unsaved.map((c) => c.label) })
      dispatch({ type: 'applyStart' })
      const result = await client.apply({ ...writeBody(picked.map(toChangeInput)) })
      dispatch({ type: 'applied', undo: result.undo, changeIds: picked.map((p) => p.change.id) })
    } catch (err) {
      const error = toPluginError(err)
      if (error.conflicts) dispatch({ type: 'conflict', conflicts: error.conflicts })
      else dispatch({ type: 'failed', error, retry: 'apply' })
    }
  }

  async function undo() {
    const last = state.value.lastApply
    if (!last || isBusy(state.value)) return
    dispatch({ type: 'undoStart' })
    try {
      const result = await client.undo(writeBody(last.undo))
      dispatch({ type: 'undone', ...(result.conflicts?.length ? { conflicts: result.conflicts } : {}) })
    } catch (err) {
      const error = toPluginError(err)
      if (error.conflicts) dispatch({ type: 'conflict', conflicts: error.conflicts })
      else dispatch({ type: 'failed', error, retry: 'undo' })
    }
  }

  function retry() {
    const s = state.value.status
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
    apply,
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
    toggle: (id: string, selected: boolean) => dispatch({ type: 'toggle', id, selected }),
    edit: (id: string, after: unknown) => dispatch({ type: 'edit', id, after }),
    dismiss: () => dispatch({ type: 'dismiss' }),
  }
}
