import type { ToolSpec } from '../deps.ts'
import type { StoryOutline } from '../story/storyOutline.ts'

export const PROPOSAL_TOOL = 'propose_changes'

/** Up to this many blocks, each block gets its own variant so Claude can only pair a uid with that block's fields. */
const MAX_VARIANTS = 40

const DESCRIPTION = [
  'Propose concrete changes to fields of the story shown in the system prompt. Nothing is written until the editor accepts.',
  "Each change names one block by its uid and one of that block's writable fields, with the complete new value.",
  'Richtext fields take Markdown (headings, lists, links, bold, italic). Numbers are strings of digits. Booleans are true/false.',
  'Option fields take one of the allowed values; "options" fields take a list of allowed values. Dates are "YYYY-MM-DD HH:mm".',
  'To add ONE new item to a list field (shown as "list of N items" in the outline), use that field with value',
  '{"component": <allowed item type>, "fields": {<field>: <value>, …}}; existing items are changed through their own uid.',
  'Set "language" only to write a translation of a translatable field (e.g. "de"); omit it for the language being edited.',
  'If the request is ambiguous (several blocks could be meant and nothing in the outline decides it), do not guess:',
  'send an empty "changes" list and ask one short "question" instead.',
].join(' ')

const NEW_ITEM = {
  type: 'object',
  properties: { component: { type: 'string' }, fields: { type: 'object' } },
  required: ['component', 'fields'],
}

/** The value shapes; a new list item only when the story has a list the assistant may add to. */
function valueSchema(lists: boolean): Record<string, unknown> {
  return {
    description: `The complete new value: string (text, Markdown for richtext, number as string, option value, date), boolean${lists ? ', list of option values, or a new list item {component, fields}' : ' or list of option values'}.`,
    anyOf: [
      { type: 'string' },
      { type: 'boolean' },
      { type: 'array', items: { type: 'string' } },
      ...(lists ? [NEW_ITEM] : []),
    ],
  }
}
const LANGUAGE = { type: 'string', description: 'Only for translations: the target language code, e.g. "de".' }

function changeItem(uids: string[], fields: string[], value: Record<string, unknown>): Record<string, unknown> {
  return {
    type: 'object',
    properties: {
      blockUid: uids.length === 1 ? { type: 'string', const: uids[0] } : { type: 'string', enum: uids },
      field: { type: 'string', enum: fields },
      value,
      language: LANGUAGE,
    },
    required: ['blockUid', 'field', 'value'],
    additionalProperties: false,
  }
}

/** The `propose_changes` tool, its input schema derived from this story's real block uids and writable fields. */
export function proposalTool(outline: StoryOutline): ToolSpec {
  const { blocks } = outline
  const value = valueSchema([...outline.targets.values()].some((t) => t.field.type === 'bloks'))
  const items =
    blocks.length === 0
      ? changeItem(['(none)'], ['(none)'], value)
      : blocks.length === 1 || blocks.length > MAX_VARIANTS
        ? changeItem(
            blocks.map((b) => b.uid),
            [...new Set(blocks.flatMap((b) => b.fields))],
            value,
          )
        : { anyOf: blocks.map((b) => changeItem([b.uid], b.fields, value)) }
  return {
    name: PROPOSAL_TOOL,
    description: DESCRIPTION,
    inputSchema: {
      type: 'object',
      properties: {
        changes: {
          type: 'array',
          description: 'The proposed field changes, most important first.',
          items,
          maxItems: 50,
        },
        question: { type: 'string', description: 'A short clarifying question when the target is ambiguous.' },
      },
      required: ['changes'],
      additionalProperties: false,
    },
  }
}
