import type { ConversationBody, SseEvent } from '../../shared/contract.ts'
import { styleGuideBlock } from './systemPrompt.ts'
import type { Deps, ModelRequest } from '../deps.ts'
import { loadStory } from './loadStory.ts'
import { runProposalTurn, type SignProposal } from './runProposalTurn.ts'
import { styleGuideFor } from './styleGuideFor.ts'
import { trimThread } from './trimThread.ts'
import type { StyleGuides } from './styleGuide.ts'
import type { StoryReads } from './createStoryReads.ts'
import { publicModelId } from '../http/publicText.ts'

export type Emit = (event: SseEvent) => void | Promise<void>

export type ConversationContext = {
  body: ConversationBody
  requestId: string
  signal: AbortSignal
  emit: Emit
  /** Brand style guides (issue 9); without it no guide is used. */
  styleGuides?: StyleGuides
  /** Shared, short-lived story reads; without it every turn reads the story itself. */
  storyReads?: StoryReads
  /** The proposal's token (which targets may be saved); without it proposals carry none and cannot be applied. */
  signProposal?: SignProposal
}

const BASE_INSTRUCTIONS = [
  'You are the writing assistant inside the Storyblok Visual Editor.',
  'An editor speaks or types what they want; answer briefly in their language and tone.',
].join(' ')

/** One turn: story-aware (outline, propose_changes) when the story loads, else a text answer streamed as it arrives. */
export async function runConversation(
  deps: Pick<Deps, 'bedrock' | 'clock' | 'config' | 'storyblok' | 'log'>,
  ctx: ConversationContext,
) {
  const { signal, emit } = ctx
  // Long prompts and long threads go on: older turns are shortened or left out, and the editor is told.
  const thread = trimThread(ctx.body.messages)
  const body = { ...ctx.body, messages: thread.messages }
  if (thread.notice) await emit({ event: 'notice', data: thread.notice })
  ctx = { ...ctx, body }
  // With a readable story the turn proposes changes (issue 4); otherwise it stays a text answer.
  const [loaded, styleGuide] = await Promise.all([loadStory(deps, ctx), styleGuideFor(deps, ctx)])
  if (loaded) return runProposalTurn(deps, { ...ctx, ...loaded, ...(styleGuide ? { styleGuide } : {}) })
  const request: ModelRequest = {
    system: [{ text: BASE_INSTRUCTIONS }, ...(styleGuide ? [styleGuideBlock(styleGuide)] : [])],
    messages: body.messages.map((m) => ({ role: m.role, content: [{ text: m.content }] })),
  }
  // A stream that ends without messageStop throws bedrock_stream_truncated in the adapter (the Bedrock port's contract).
  for await (const event of deps.bedrock.stream(request, signal)) {
    if (event.type === 'text') await emit({ event: 'text', data: { delta: event.delta } })
    else if (event.type === 'usage')
      await emit({ event: 'usage', data: { ...event.usage, modelId: publicModelId(deps.bedrock.modelId) } })
  }
}
