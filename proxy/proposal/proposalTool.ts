import type { ToolSpec } from '../deps.ts'
import type { StoryOutline } from '../story/storyOutline.ts'
import type { WritableType } from '../story/writableFields.ts'

export const PROPOSAL_TOOL = 'propose_changes'

/** The schema allows this many changes per call where it may say so (strict schemas refuse `maxItems`). */
const MAX_CHANGES = 50

const DESCRIPTION = [
  'Propose concrete changes to fields of the story shown in the system prompt. Nothing is written until the editor accepts.',
  "Each change names one block by its uid and one of that block's writable fields (as listed in the outline), with the complete new value.",
  'Richtext fields take Markdown (headings, lists, links, bold, italic). Numbers are strings of digits. Booleans are true/false.',
  'Option fields take one of the allowed values; "options" fields take a list of allowed values. Dates are "YYYY-MM-DD HH:mm".',
  'To add ONE new item to a list field (shown as "list of N items" in the outline), use that field with value',
  '{"component": <allowed item type>, "fields": [{"name": <field>, "value": <value>}, …]}; existing items are changed through their own uid.',
  'Set "language" to a language code (e.g. "de") only to write a translation of a translatable field; otherwise "" (the language being edited).',
  'If the request is ambiguous (several blocks could be meant and nothing in the outline decides it), do not guess:',
  'send an empty "changes" list and ask one short "question" instead; otherwise "question" is "".',
].join(' ')

/** How a field's value is written; one schema variant per kind instead of one per block. */
type Kind = 'text' | 'boolean' | 'options' | 'item'

const KIND: Record<WritableType, Kind> = {
  text: 'text',
  textarea: 'text',
  markdown: 'text',
  richtext: 'text',
  number: 'text',
  option: 'text',
  datetime: 'text',
  boolean: 'boolean',
  options: 'options',
  bloks: 'item',
}

const STRINGS = { type: 'array', items: { type: 'string' } }

function valueSchema(kind: Kind, itemComponents: string[]): Record<string, unknown> {
  switch (kind) {
    case 'text':
      return {
        type: 'string',
        description: 'The complete new text: Markdown for richtext, digits for numbers, an allowed value, or a date.',
      }
    case 'boolean':
      return { type: 'boolean' }
    case 'options':
      return { ...STRINGS, description: 'The allowed values to select.' }
    case 'item':
      return {
        type: 'object',
        description: 'One new list item.',
        properties: {
          component: { type: 'string', enum: itemComponents },
          fields: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                name: { type: 'string' },
                value: { anyOf: [{ type: 'string' }, { type: 'boolean' }, STRINGS] },
              },
              required: ['name', 'value'],
              additionalProperties: false,
            },
          },
        },
        required: ['component', 'fields'],
        additionalProperties: false,
      }
  }
}

const LANGUAGE = { type: 'string', description: 'A language code for a translation (e.g. "de"), else "".' }

function changeItem(uids: string[], fields: string[], value: Record<string, unknown>): Record<string, unknown> {
  return {
    type: 'object',
    properties: {
      blockUid: uids.length === 1 ? { type: 'string', const: uids[0] } : { type: 'string', enum: uids },
      field: { type: 'string', enum: fields },
      value,
      language: LANGUAGE,
    },
    required: ['blockUid', 'field', 'value', 'language'],
    additionalProperties: false,
  }
}

/** Per kind: the blocks that have such a field and the field names, in outline order. */
function variants(outline: StoryOutline): Array<{ kind: Kind; uids: string[]; fields: string[]; items: string[] }> {
  const byKind = new Map<Kind, { uids: Set<string>; fields: Set<string>; items: Set<string> }>()
  for (const t of outline.targets.values()) {
    const kind = KIND[t.field.type]
    const entry = byKind.get(kind) ?? { uids: new Set(), fields: new Set(), items: new Set() }
    entry.uids.add(t.blockUid)
    entry.fields.add(t.field.name)
    for (const c of t.field.allowed ?? []) entry.items.add(c)
    byKind.set(kind, entry)
  }
  return [...byKind].map(([kind, e]) => ({ kind, uids: [...e.uids], fields: [...e.fields], items: [...e.items] }))
}

/**
 * The `propose_changes` tool, its input schema derived from this story: one generic change item per value kind
 * (block uid enum, field enum, a typed value), so the schema stays small whatever the story's size and is valid for
 * strict tool use. Which field belongs to which block is the outline's job; the validator checks the pairing.
 */
export function proposalTool(outline: StoryOutline, { strict = false }: { strict?: boolean } = {}): ToolSpec {
  const kinds = variants(outline)
  const items =
    kinds.length === 0
      ? changeItem(['(none)'], ['(none)'], valueSchema('text', []))
      : kinds.length === 1
        ? changeItem(kinds[0]!.uids, kinds[0]!.fields, valueSchema(kinds[0]!.kind, kinds[0]!.items))
        : { anyOf: kinds.map((k) => changeItem(k.uids, k.fields, valueSchema(k.kind, k.items))) }
  return {
    name: PROPOSAL_TOOL,
    description: DESCRIPTION,
    inputSchema: {
      type: 'object',
      properties: {
        changes: {
          type: 'array',
          description: `The proposed field changes, most important first (at most ${MAX_CHANGES}).`,
          items,
          ...(strict ? {} : { maxItems: MAX_CHANGES }),
        },
        question: { type: 'string', description: 'A short clarifying question when the target is ambiguous, else "".' },
      },
      required: ['changes', 'question'],
      additionalProperties: false,
    },
    ...(strict ? { strict: true } : {}),
  }
}
