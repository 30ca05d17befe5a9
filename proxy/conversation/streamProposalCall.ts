import type { Change } from '../../shared/contract.ts'
import { buildProposal, changeFromToolItem, type BuiltProposal } from '../proposal/buildProposal.ts'
import { loadMarkdownToRichtext } from '../adapters/markdownToRichtext.ts'
import { PROPOSAL_TOOL } from '../proposal/proposalTool.ts'
import type { StoryOutline } from '../story/storyOutline.ts'
import type { MarkdownToRichtext } from '../story/markdownToRichtext.ts'
import { toolInputStream, type ToolInputStream } from '../proposal/toolInputStream.ts'
import type { Deps, ModelRequest, ReasoningBlock } from '../deps.ts'
import type { Emit } from './runConversation.ts'
import { publicModelId } from '../http/publicText.ts'

export type ProposalCall = {
  text: string
  /** Claude's reasoning blocks, in order: never shown, only echoed back when the repair round continues the turn. */
  reasoning: ReasoningBlock[]
  /** Present when Claude called propose_changes. */
  tool?: { toolUseId: string; input: unknown; built: BuiltProposal }
}

export type StreamProposalOptions = {
  outline: StoryOutline
  signal: AbortSignal
  emit: Emit
  /** Called for each valid change the moment its JSON object is complete in the tool-input stream. */
  onChange: (change: Change) => Promise<void> | void
  /** The repair round's text is not shown: it only resends corrected changes. */
  emitText?: boolean
}

/** One ConverseStream call: text deltas go out as they arrive, changes as soon as each one's JSON is complete. */
export async function streamProposalCall(
  deps: Pick<Deps, 'bedrock'>,
  request: ModelRequest,
  opts: StreamProposalOptions,
): Promise<ProposalCall> {
  const { outline, signal, emit, onChange, emitText = true } = opts
  let text = ''
  let tool:
    | {
        index: number
        toolUseId: string
        stream: ToolInputStream
        count: number
        markdownToRichtext: MarkdownToRichtext
      }
    | undefined
  let result: ProposalCall['tool']
  const reasoning = new Map<number, { text: string; signature?: string; redacted?: Uint8Array }>()
  for await (const event of deps.bedrock.stream(request, signal)) {
    if (event.type === 'reasoning') {
      const block = reasoning.get(event.index) ?? { text: '' }
      if (event.text) block.text += event.text
      if (event.signature) block.signature = event.signature
      if (event.redacted) block.redacted = event.redacted
      reasoning.set(event.index, block)
    } else if (event.type === 'text') {
      text += event.delta
      if (emitText) await emit({ event: 'text', data: { delta: event.delta } })
    } else if (event.type === 'toolUseStart') {
      if (event.name === PROPOSAL_TOOL && !tool && !result) {
        // Validation needs the richtext converter; the turn started loading it, so this rarely waits.
        const markdownToRichtext = await loadMarkdownToRichtext()
        tool = {
          index: event.index,
          toolUseId: event.toolUseId,
          stream: toolInputStream(),
          count: 0,
          markdownToRichtext,
        }
      }
    } else if (event.type === 'toolUseDelta') {
      if (!tool || event.index !== tool.index) continue
      for (const item of tool.stream.push(event.input)) {
        const one = changeFromToolItem(item, tool.count++, outline, tool.markdownToRichtext)
        if (one.change) await onChange(one.change)
      }
    } else if (event.type === 'blockStop') {
      if (!tool || event.index !== tool.index) continue
      let input: unknown
      try {
        input = tool.stream.input.trim() ? JSON.parse(tool.stream.input) : {}
      } catch {
        input = tool.stream.input
      }
      result = { toolUseId: tool.toolUseId, input, built: buildProposal(input, outline, tool.markdownToRichtext) }
      tool = undefined
    } else if (event.type === 'usage') {
      await emit({ event: 'usage', data: { ...event.usage, modelId: publicModelId(deps.bedrock.modelId) } })
    }
  }
  // A stream cut before messageStop has already thrown bedrock_stream_truncated in the adapter.
  return { text, reasoning: [...reasoning.values()].map(reasoningBlock), ...(result ? { tool: result } : {}) }
}

function reasoningBlock(b: { text: string; signature?: string; redacted?: Uint8Array }): ReasoningBlock {
  if (b.redacted) return { redactedContent: b.redacted }
  return { reasoningText: { text: b.text, ...(b.signature ? { signature: b.signature } : {}) } }
}
