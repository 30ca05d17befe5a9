import { randomUUID } from 'node:crypto'
import type { Change, ConversationBody } from '../../shared/contract.ts'
import { invalidChange, type Problem } from '../proposal/buildProposal.ts'
import { loadMarkdownToRichtext } from '../adapters/markdownToRichtext.ts'
import { PROPOSAL_TOOL, proposalTool } from '../proposal/proposalTool.ts'
import { repairMessages } from '../proposal/repairPrompt.ts'
import { storyOutline } from '../story/storyOutline.ts'
import { systemPrompt } from './systemPrompt.ts'
import { isBlok } from '../story/walkBloks.ts'
import type { Component, Deps, ModelRequest, Story } from '../deps.ts'
import type { Emit } from './runConversation.ts'
import { streamProposalCall, type StreamProposalOptions } from './streamProposalCall.ts'
import { capabilitiesFor } from './capabilitiesFor.ts'
import { focusNote } from './focusNote.ts'
import { withCachePoints, withHistoryPoint } from '../proposal/cachePoints.ts'
import { proposalMaxTokens } from '../proposal/proposalMaxTokens.ts'
import { retryWithout } from './retryWithout.ts'

/** The proposal's signed token for its changes (undefined when none can be applied). */
export type SignProposal = (changeSetId: string, changes: readonly Change[]) => string | undefined

export type ProposalTurnInput = {
  body: ConversationBody
  story: Story
  components: Component[]
  signal: AbortSignal
  emit: Emit
  requestId: string
  styleGuide?: string
  signProposal?: SignProposal
}

const MAX_OUTLINE_CHARS = 60_000

const sameTarget = (a: { blockUid?: string; field?: string }, b: { blockUid?: string; field?: string }) =>
  a.blockUid === b.blockUid && a.field === b.field

/**
 * A story-aware turn: Claude sees the outline and the `propose_changes` tool; `change` events stream as each
 * change completes, invalid ones get one repair round, and a `proposal` event closes the set.
 */
export async function runProposalTurn(
  deps: Pick<Deps, 'bedrock' | 'log' | 'config'>,
  input: ProposalTurnInput,
): Promise<void> {
  const { body, story, components, signal, emit, requestId, styleGuide, signProposal } = input
  const caps = capabilitiesFor(deps.bedrock)
  // Loaded while Claude starts answering, so the first proposed change does not wait for it.
  void loadMarkdownToRichtext().catch(() => undefined)
  // The focus goes into the editor's latest message, not the outline: the outline is the cached prefix.
  const outlineInput = {
    story,
    components,
    ...(body.language ? { language: body.language } : {}),
    ...(isBlok(body.draft) ? { draft: body.draft } : {}),
  }
  // Long stories: shorter value previews keep the prompt (and its cost) bounded; uids and fields stay complete.
  const outline = storyOutline({ ...outlineInput, maxChars: MAX_OUTLINE_CHARS })
  const note = focusNote(outline, body.focus)
  const messages = body.messages.map((m, i) => ({
    role: m.role,
    content: [{ text: m.content }, ...(note && i === body.messages.length - 1 ? [{ text: note }] : [])],
  }))
  const base = {
    system: systemPrompt({ outline, ...(styleGuide ? { styleGuide } : {}) }),
    messages: withHistoryPoint(messages),
    maxTokens: proposalMaxTokens(outline, caps, deps.config.bedrock.maxTokens),
  }
  const requestFor = (extra: Partial<ModelRequest>): ModelRequest =>
    withCachePoints(
      { ...base, tools: [proposalTool(outline, { strict: caps.strictTools })], toolChoice: 'auto', ...extra },
      caps,
    )
  const changes = new Map<string, Change>()
  const onChange = async (change: Change) => {
    changes.set(change.id, change)
    await emit({ event: 'change', data: change })
  }
  const call = (extra: Partial<ModelRequest>, opts: Partial<StreamProposalOptions> = {}) =>
    streamProposalCall(deps, requestFor(extra), { outline, signal, emit, onChange, ...opts })
  const learn = { log: deps.log, requestId, modelId: deps.bedrock.modelId, signal }
  const first = await retryWithout('strictTools', caps, learn, () => call({}))
  if (!first.tool) return
  let question = first.tool.built.question
  let unresolved: Problem[] = first.tool.built.problems

  if (unresolved.length) {
    try {
      const { toolUseId, input: sent } = first.tool
      const repairCall = (forced: boolean) =>
        call(
          {
            messages: [
              ...base.messages,
              ...repairMessages({
                toolUseId,
                input: sent,
                text: first.text,
                problems: unresolved,
                reasoning: first.reasoning,
                forced,
              }),
            ],
            toolChoice: forced ? { tool: PROPOSAL_TOOL } : 'auto',
          },
          { emitText: false },
        )
      // Some models refuse forced tool choice: the round then asks in words.
      const repair = await retryWithout('forcedToolChoice', caps, learn, () => repairCall(caps.forcedToolChoice))
      const fixed = repair.tool?.built
      if (fixed) {
        // Original problems Claude did not fix keep their reason; new problems replace the old ones for that field.
        unresolved = [
          ...unresolved.filter(
            (p) => !fixed.changes.some((c) => sameTarget(c, p)) && !fixed.problems.some((q) => sameTarget(q, p)),
          ),
          ...fixed.problems,
        ]
        question ??= fixed.question
      }
    } catch (err) {
      if (signal.aborted) throw err
      deps.log.warn('proposal repair failed', { requestId, cause: err instanceof Error ? err.message : String(err) })
    }
    for (const problem of unresolved) {
      const shown = invalidChange(problem, outline)
      if (shown && !changes.has(shown.id)) await onChange(shown)
    }
    if (unresolved.some((p) => !invalidChange(p, outline))) {
      await emit({
        event: 'notice',
        data: {
          code: 'changes_dropped',
          message: unresolved
            .filter((p) => !invalidChange(p, outline))
            .map((p) => p.reason)
            .join('; ')
            .slice(0, 500),
        },
      })
    }
  }
  const changeSetId = randomUUID()
  const proposed = [...changes.values()]
  const token = signProposal?.(changeSetId, proposed)
  await emit({
    event: 'proposal',
    data: {
      changeSetId,
      storyId: story.id,
      baseVersion: story.updated_at,
      ...(body.releaseId ? { releaseId: body.releaseId } : {}),
      changes: proposed,
      ...(question ? { question } : {}),
      ...(token ? { token } : {}),
    },
  })
}
