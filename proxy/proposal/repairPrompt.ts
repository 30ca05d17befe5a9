import type { ChatMessage, ReasoningBlock } from '../deps.ts'
import type { Problem } from './buildProposal.ts'
import { PROPOSAL_TOOL } from './proposalTool.ts'

export type RepairInput = {
  toolUseId: string
  /** The tool input Claude sent (parsed, or the raw text when it was not valid JSON). */
  input: unknown
  /** Claude's text before the tool call, kept so the conversation stays coherent. */
  text?: string
  problems: Problem[]
  /** Claude's reasoning blocks of that call: models that think must get them back before the tool call. */
  reasoning?: ReasoningBlock[]
  /**
   * False when the repair round cannot force the tool (the model refuses forced tool choice): the instruction then
   * says in words that the only acceptable answer is the tool call.
   */
  forced?: boolean
}

function describe(p: Problem): string {
  const where = p.blockUid
    ? `change ${p.index + 1} (block ${p.blockUid}, field ${p.field ?? '?'}${p.language ? `, language ${p.language}` : ''})`
    : `change ${p.index + 1}`
  return `- ${p.index < 0 ? 'the tool input' : where}: ${p.reason}`
}

/**
 * The one repair round: Claude's tool call and an error toolResult listing every problem, so Claude resends
 * corrected versions of just those changes.
 */
export function repairMessages({
  toolUseId,
  input,
  text,
  problems,
  reasoning = [],
  forced = true,
}: RepairInput): ChatMessage[] {
  return [
    {
      role: 'assistant',
      content: [
        ...reasoning.map((r) => ({ reasoningContent: r })),
        ...(text?.trim() ? [{ text: text.trim() }] : []),
        {
          toolUse: { toolUseId, name: PROPOSAL_TOOL, input: typeof input === 'object' && input !== null ? input : {} },
        },
      ],
    },
    {
      role: 'user',
      content: [
        {
          toolResult: {
            toolUseId,
            status: 'error',
            content: [
              {
                text: [
                  'Some proposed changes break the field rules and were not shown to the editor:',
                  ...problems.map(describe),
                  `Call ${PROPOSAL_TOOL} again with corrected versions of ONLY these changes (the valid ones are kept). No other text.`,
                  ...(forced
                    ? []
                    : [
                        `Your answer must be exactly one ${PROPOSAL_TOOL} call: do not reply in text, do not ask a question unless a change cannot be corrected.`,
                      ]),
                ].join('\n'),
              },
            ],
          },
        },
      ],
    },
  ]
}
