import type {
  Change,
  ChangeInput,
  Conflict,
  LedgerChangeSet,
  Notice,
  Proposal,
  UsageInfo,
  WireMessage,
} from '../../shared/contract.ts'
import type { PluginError } from './pluginError.ts'

export type ChatMessage = WireMessage
export type { Notice }

/** A proposed change as the editor sees it: possibly deselected, possibly with their own `after`. */
export type EditableChange = { change: Change; selected: boolean; after: unknown; edited: boolean; applied: boolean }

export type ConflictView = {
  label: string
  fieldType: string
  expected: unknown
  actual: unknown
  blockUid: string
  field: string
  /** The proposed change it belongs to, when it is in the list (then keep theirs / use the assistant's apply). */
  changeId?: string
}

export type RetryTarget = 'send' | 'apply' | 'undo'

export type Status =
  | { type: 'idle'; error?: never; labels?: never; conflicts?: never }
  | { type: 'generating'; error?: never; labels?: never; conflicts?: never }
  | { type: 'checking'; error?: never; labels?: never; conflicts?: never }
  | { type: 'applying'; error?: never; labels?: never; conflicts?: never }
  | { type: 'applied'; error?: never; labels?: never; conflicts?: never }
  | { type: 'undoing'; error?: never; labels?: never; conflicts?: never }
  | { type: 'undone'; conflicts: ConflictView[]; error?: never; labels?: never }
  | { type: 'unsaved'; labels: string[]; error?: never; conflicts?: never }
  | { type: 'conflict'; conflicts: ConflictView[]; error?: never; labels?: never }
  /** The editor did not send the draft (get-context unanswered, e.g. Storyblok's sandbox): apply unchecked? */
  | { type: 'draftUnavailable'; error: PluginError; labels?: never; conflicts?: never }
  | { type: 'error'; error: PluginError; retry?: RetryTarget; labels?: never; conflicts?: never }

export type AssistantState = {
  status: Status
  messages: ChatMessage[]
  /** The assistant's text of the answer in progress. */
  streaming: string
  changes: EditableChange[]
  proposal?: Proposal
  usage?: UsageInfo
  notices: Notice[]
  modelId?: string
  requestId?: string
  /** Index in `messages` of an answer whose stream broke: what arrived is kept, marked as cut off. */
  cutOff?: number
  /** Inverse changes of the last successful apply; present while Undo is possible. */
  lastApply?: { undo: ChangeInput[]; changeIds: string[]; changeSetId?: string; undoToken?: string | undefined }
  /**
   * Set by every write until the editor's story shows it: the Visual Editor still holds the story as it was, and
   * saving that open copy would put the old values back.
   */
  mustReload?: ChangeInput[]
  /** The story's change sets as its versions show them (newest first). */
  ledger: LedgerChangeSet[]
  /** After a conflict: the proxy's token for putting the assistant's value over the current one. */
  rebaseToken?: string
}

export type Action =
  | { type: 'send'; prompt: string }
  | { type: 'retrySend' }
  | { type: 'meta'; requestId: string; modelId: string }
  | { type: 'notice'; notice: Notice }
  | { type: 'text'; delta: string }
  | { type: 'change'; change: Change }
  | { type: 'proposal'; proposal: Proposal }
  | { type: 'usage'; usage: UsageInfo }
  | { type: 'finished' }
  | { type: 'cancelled' }
  | { type: 'failed'; error: PluginError; retry?: RetryTarget }
  | { type: 'toggle'; id: string; selected: boolean }
  /** Exactly these changes selected (a spoken "apply one and three"). */
  | { type: 'selectOnly'; ids: string[] }
  /** The open proposal is dropped; applied changes stay listed for Undo. */
  | { type: 'discard' }
  /** A new conversation: thread and proposal cleared, the last apply still undoable. */
  | { type: 'reset' }
  | { type: 'edit'; id: string; after: unknown }
  | { type: 'checkStart' }
  | { type: 'unsaved'; labels: string[] }
  | { type: 'applyStart' }
  | {
      type: 'applied'
      undo: ChangeInput[]
      changeIds: string[]
      written?: ChangeInput[]
      conflicts?: Conflict[]
      undoToken?: string | undefined
      rebaseToken?: string | undefined
    }
  | { type: 'conflict'; conflicts: Conflict[]; rebaseToken?: string | undefined }
  | { type: 'undoStart' }
  | { type: 'undone'; conflicts?: Conflict[]; written?: ChangeInput[] }
  | { type: 'draftUnavailable'; error: PluginError }
  | { type: 'keepTheirs'; index: number }
  | { type: 'useAssistant'; index: number }
  | { type: 'ledger'; changeSets: LedgerChangeSet[] }
  /** A ledger restore or undo was written (not tied to the open proposal). */
  | { type: 'ledgerWritten'; reason: 'apply' | 'undo'; written: ChangeInput[]; conflicts?: Conflict[] }
  /** The editor's story now holds what was written. */
  | { type: 'storySeen' }
  /** The conversation and proposal kept across a plugin reload (sessionStorage). */
  | { type: 'resume'; kept: Kept }
  | { type: 'dismiss' }
  /** The failed request leaves the thread (to be edited and sent again). */
  | { type: 'withdraw' }

/** What survives a reload of the plugin (the editor saved or reloaded the story). */
export type Kept = Pick<AssistantState, 'messages' | 'changes' | 'proposal' | 'lastApply'>

export const initialState: AssistantState = {
  status: { type: 'idle' },
  messages: [],
  streaming: '',
  changes: [],
  notices: [],
  ledger: [],
}

const BUSY = new Set<Status['type']>(['generating', 'checking', 'applying', 'undoing'])
export const isBusy = (s: AssistantState) => BUSY.has(s.status.type)

function editable(change: Change, previous?: EditableChange): EditableChange {
  if (previous && previous.edited) return { ...previous, change }
  return {
    change,
    selected: previous ? previous.selected && !change.invalid : !change.invalid,
    after: change.after,
    edited: false,
    applied: false,
  }
}

/** The changes Apply would send: selected, valid and not applied yet. */
export function selectedChanges(s: AssistantState): EditableChange[] {
  return s.changes.filter((c) => c.selected && !c.change.invalid && !c.applied)
}

export function toChangeInput({ change, after }: EditableChange): ChangeInput {
  return {
    blockUid: change.blockUid,
    field: change.field,
    ...(change.language ? { language: change.language } : {}),
    before: change.before,
    after,
  }
}

export function conflictViews(conflicts: Conflict[], changes: EditableChange[]): ConflictView[] {
  return conflicts.map((c) => {
    const match = changes.find(
      (e) =>
        e.change.blockUid === c.blockUid &&
        (e.change.field === c.field || c.field.startsWith(`${e.change.field}__i18n__`)) &&
        (!c.language || c.language === 'default' || (e.change.language || 'default') === c.language),
    )
    return {
      label: match?.change.label ?? c.field,
      fieldType: match?.change.fieldType ?? '',
      expected: c.expected,
      actual: c.actual,
      blockUid: c.blockUid,
      field: c.field,
      ...(match ? { changeId: match.change.id } : {}),
    }
  })
}

/** Removes one conflict from the list; the notice closes with the last one. */
function withoutConflict(s: AssistantState, index: number): AssistantState {
  if (s.status.type !== 'conflict') return s
  const conflicts = s.status.conflicts.filter((_, i) => i !== index)
  return { ...s, status: conflicts.length ? { type: 'conflict', conflicts } : { type: 'idle' } }
}

/** Pure state transitions of one conversation with its proposal, apply and undo. */
export function reduce(s: AssistantState, a: Action): AssistantState {
  switch (a.type) {
    case 'send': {
      const { proposal: _p, usage: _u, cutOff: _c, rebaseToken: _r, ...rest } = s
      return {
        ...rest,
        status: { type: 'generating' },
        messages: [...s.messages, { role: 'user', content: a.prompt }],
        streaming: '',
        changes: [],
        notices: [],
      }
    }
    case 'retrySend': {
      // The cut-off answer gives way to the new attempt, so the thread ends with the request again.
      const { cutOff, ...rest } = s
      const messages = cutOff === undefined ? s.messages : s.messages.filter((_, i) => i !== cutOff)
      return { ...rest, messages, status: { type: 'generating' }, streaming: '', notices: [] }
    }
    case 'meta':
      return { ...s, requestId: a.requestId, modelId: a.modelId }
    case 'notice':
      return { ...s, notices: [...s.notices.filter((n) => n.code !== a.notice.code), a.notice] }
    case 'text':
      return { ...s, streaming: s.streaming + a.delta }
    case 'change': {
      const i = s.changes.findIndex((c) => c.change.id === a.change.id)
      if (i === -1) return { ...s, changes: [...s.changes, editable(a.change)] }
      return { ...s, changes: s.changes.map((c, j) => (j === i ? editable(a.change, c) : c)) }
    }
    case 'proposal': {
      const kept = s.changes.filter((c) => c.applied)
      const next = a.proposal.changes.map((change) =>
        editable(
          change,
          s.changes.find((c) => c.change.id === change.id),
        ),
      )
      return {
        ...s,
        proposal: a.proposal,
        changes: [...kept.filter((k) => !next.some((n) => n.change.id === k.change.id)), ...next],
      }
    }
    case 'usage':
      return { ...s, usage: a.usage }
    case 'finished':
    case 'cancelled': {
      if (s.status.type !== 'generating') return s
      const text = s.streaming.trim()
      const messages = text ? [...s.messages, { role: 'assistant' as const, content: text }] : s.messages
      return { ...s, status: { type: 'idle' }, messages, streaming: '' }
    }
    case 'failed': {
      const status: Status = { type: 'error', error: a.error, ...(a.retry ? { retry: a.retry } : {}) }
      const text = s.status.type === 'generating' ? s.streaming.trim() : ''
      if (!text) return { ...s, status }
      return {
        ...s,
        status,
        messages: [...s.messages, { role: 'assistant', content: text }],
        streaming: '',
        cutOff: s.messages.length,
      }
    }
    case 'withdraw': {
      if (s.status.type !== 'error' || s.status.retry !== 'send') return s
      const { cutOff: _c, ...rest } = s
      const last = s.messages.findLastIndex((m) => m.role === 'user')
      return { ...rest, status: { type: 'idle' }, messages: s.messages.slice(0, Math.max(0, last)), streaming: '' }
    }
    case 'toggle':
      return {
        ...s,
        changes: s.changes.map((c) =>
          c.change.id === a.id && !c.change.invalid && !c.applied ? { ...c, selected: a.selected } : c,
        ),
      }
    case 'selectOnly':
      return {
        ...s,
        changes: s.changes.map((c) =>
          c.change.invalid || c.applied ? c : { ...c, selected: a.ids.includes(c.change.id) },
        ),
      }
    case 'discard': {
      const { proposal: _p, ...rest } = s
      return { ...rest, changes: s.changes.filter((c) => c.applied) }
    }
    case 'reset': {
      // The story's side (ledger, reload notice, Undo) outlives the conversation.
      const { lastApply, mustReload, ledger } = s
      return isBusy(s)
        ? s
        : { ...initialState, ledger, ...(lastApply ? { lastApply } : {}), ...(mustReload ? { mustReload } : {}) }
    }
    case 'edit':
      return {
        ...s,
        changes: s.changes.map((c) =>
          c.change.id === a.id && !c.applied ? { ...c, after: a.after, edited: true } : c,
        ),
      }
    case 'checkStart':
      return { ...s, status: { type: 'checking' } }
    case 'unsaved':
      return { ...s, status: { type: 'unsaved', labels: a.labels } }
    case 'applyStart':
      return { ...s, status: { type: 'applying' } }
    case 'applied': {
      const views = conflictViews(a.conflicts ?? [], s.changes)
      // A field another writer saved at the same moment kept their text: that change is not applied.
      const clashed = new Set(views.map((v) => v.changeId))
      const done = a.changeIds.filter((id) => !clashed.has(id))
      return {
        ...s,
        status: views.length ? { type: 'conflict', conflicts: views } : { type: 'applied' },
        ...(a.rebaseToken ? { rebaseToken: a.rebaseToken } : {}),
        mustReload: a.written ?? [],
        changes: s.changes.map((c) => (done.includes(c.change.id) ? { ...c, applied: true } : c)),
        lastApply: {
          undo: a.undo,
          changeIds: a.changeIds,
          ...(s.proposal ? { changeSetId: s.proposal.changeSetId } : {}),
          undoToken: a.undoToken,
        },
      }
    }
    case 'conflict':
      return {
        ...s,
        status: { type: 'conflict', conflicts: conflictViews(a.conflicts, s.changes) },
        ...(a.rebaseToken ? { rebaseToken: a.rebaseToken } : {}),
      }
    case 'undoStart':
      return { ...s, status: { type: 'undoing' } }
    case 'undone': {
      const ids = s.lastApply?.changeIds ?? []
      const { lastApply: _l, ...rest } = s
      return {
        ...rest,
        status: { type: 'undone', conflicts: conflictViews(a.conflicts ?? [], s.changes) },
        mustReload: a.written ?? [],
        changes: s.changes.map((c) => (ids.includes(c.change.id) ? { ...c, applied: false } : c)),
      }
    }
    case 'draftUnavailable':
      return { ...s, status: { type: 'draftUnavailable', error: a.error } }
    case 'keepTheirs': {
      // Their text stays: the assistant's change for that field is taken out of the selection.
      const id = s.status.type === 'conflict' ? s.status.conflicts[a.index]?.changeId : undefined
      const next = withoutConflict(s, a.index)
      return { ...next, changes: next.changes.map((c) => (c.change.id === id ? { ...c, selected: false } : c)) }
    }
    case 'useAssistant': {
      // The assistant's text replaces theirs on the next Apply, which is still checked against their text.
      const view = s.status.type === 'conflict' ? s.status.conflicts[a.index] : undefined
      const next = withoutConflict(s, a.index)
      // The proposal's token names the old `before`; the proxy's rebase token names what is saved now.
      const proposal = next.proposal && s.rebaseToken ? { ...next.proposal, token: s.rebaseToken } : next.proposal
      return {
        ...next,
        ...(proposal ? { proposal } : {}),
        changes: next.changes.map((c) =>
          c.change.id === view?.changeId
            ? { ...c, change: { ...c.change, before: view.actual }, selected: true, applied: false }
            : c,
        ),
      }
    }
    case 'ledger':
      return { ...s, ledger: a.changeSets }
    case 'ledgerWritten': {
      const views = conflictViews(a.conflicts ?? [], s.changes)
      const status: Status =
        a.reason === 'undo'
          ? { type: 'undone', conflicts: views }
          : views.length
            ? { type: 'conflict', conflicts: views }
            : { type: 'applied' }
      return { ...s, status, mustReload: a.written }
    }
    case 'storySeen': {
      const { mustReload: _m, ...rest } = s
      return rest
    }
    case 'resume':
      return { ...s, ...a.kept }
    case 'dismiss':
      return isBusy(s) ? s : { ...s, status: { type: 'idle' } }
  }
}
