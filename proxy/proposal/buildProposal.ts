import type { Change } from '../../shared/contract.ts'
import { fieldKey, isDefaultLanguage, LANGUAGE_CODE } from '../../shared/fieldKey.ts'
import { targetKey, type StoryOutline } from '../story/storyOutline.ts'
import { validateChange } from '../story/validateChange.ts'
import { isRecord } from '../../shared/isRecord.ts'
import type { MarkdownToRichtext } from '../story/markdownToRichtext.ts'

/**
 * A new list item's `fields` arrive as `[{name, value}]` (strict schemas cannot express a free-form object);
 * the validator takes the `{name: value}` object, which is also still accepted as sent.
 */
function itemFields(value: unknown): unknown {
  if (!isRecord(value) || !Array.isArray(value['fields'])) return value
  const pairs = value['fields'].filter(
    (f): f is Record<string, unknown> => isRecord(f) && typeof f['name'] === 'string',
  )
  return { ...value, fields: Object.fromEntries(pairs.map((f) => [f['name'] as string, f['value']])) }
}

/** A proposed change that failed validation; fed back to Claude in the repair round. */
export type Problem = {
  index: number
  blockUid?: string
  field?: string
  language?: string
  value?: unknown
  reason: string
}

export type ItemResult = { change: Change; problem?: never } | { problem: Problem; change?: never }

/** One element of the tool's `changes` array → a validated Change, or the reason it cannot be one. */
export function changeFromToolItem(
  item: unknown,
  index: number,
  outline: StoryOutline,
  markdownToRichtext: MarkdownToRichtext,
): ItemResult {
  if (!isRecord(item) || typeof item['blockUid'] !== 'string' || typeof item['field'] !== 'string') {
    return { problem: { index, reason: 'each change needs "blockUid", "field" and "value"' } }
  }
  const blockUid = item['blockUid']
  const field = item['field']
  const value = itemFields(item['value'])
  const rawLanguage = typeof item['language'] === 'string' && item['language'] !== '' ? item['language'] : undefined
  const language = rawLanguage ?? (outline.language === 'default' ? undefined : outline.language)
  const base = { index, blockUid, field, ...(language ? { language } : {}), value }
  if (rawLanguage && rawLanguage !== 'default' && !LANGUAGE_CODE.test(rawLanguage))
    return { problem: { ...base, reason: `"${rawLanguage.slice(0, 20)}" is not a language code` } }
  const target = outline.targets.get(targetKey(blockUid, field))
  if (!target)
    return {
      problem: {
        ...base,
        reason: `block ${blockUid} has no writable field "${field}" (use a uid and field from the outline)`,
      },
    }
  // The outline language applies only where a translation exists; an explicit language must be translatable.
  const effective = !rawLanguage && !target.field.translatable ? undefined : language
  const isList = target.field.type === 'bloks'
  if (isList && rawLanguage)
    return {
      problem: { ...base, reason: 'new items are added in the default language; translate their fields afterwards' },
    }
  const result = validateChange(target.field, value, {
    language: isList ? undefined : effective,
    components: outline.components,
    markdownToRichtext,
  })
  if (!result.ok) return { problem: { ...base, reason: result.reason } }
  if (!target.saved) return { problem: { ...base, reason: 'this block is not saved yet; save the story first' } }
  const newUid = isList ? (result.value as { _uid: string })._uid : undefined
  return {
    change: {
      id: newUid ? `${blockUid}/${field}/${newUid}` : `${blockUid}/${result.key}`,
      blockUid,
      component: target.component,
      field,
      fieldType: target.field.type,
      language: result.language,
      // A new list item did not exist before; its value is the item itself.
      before: isList ? null : (target.saved[result.key] ?? null),
      after: result.value,
      label: isDefaultLanguage(effective) ? target.label : `${target.label} (${effective})`,
    },
  }
}

/** A change that stayed invalid after the repair round: shown with its reason, never applicable. */
export function invalidChange(problem: Problem, outline: StoryOutline): Change | undefined {
  const target =
    problem.blockUid && problem.field ? outline.targets.get(targetKey(problem.blockUid, problem.field)) : undefined
  if (!target) return undefined
  const key = fieldKey(target.field.name, target.field.translatable ? problem.language : undefined)
  return {
    id: `${target.blockUid}/${key}`,
    blockUid: target.blockUid,
    component: target.component,
    field: target.field.name,
    fieldType: target.field.type,
    language: problem.language ?? 'default',
    before: target.field.type === 'bloks' ? null : (target.saved?.[key] ?? null),
    after: problem.value ?? null,
    label: target.label,
    invalid: problem.reason,
  }
}

export type BuiltProposal = { changes: Change[]; problems: Problem[]; question?: string }

/** The complete tool input → validated changes (last one wins per field) and problems. */
export function buildProposal(
  input: unknown,
  outline: StoryOutline,
  markdownToRichtext: MarkdownToRichtext,
): BuiltProposal {
  if (!isRecord(input))
    return { changes: [], problems: [{ index: -1, reason: 'the tool input must be an object with "changes"' }] }
  const items = Array.isArray(input['changes']) ? input['changes'] : []
  const byId = new Map<string, Change>()
  const problems: Problem[] = []
  items.forEach((item, index) => {
    const result = changeFromToolItem(item, index, outline, markdownToRichtext)
    if (result.change) byId.set(result.change.id, result.change)
    else problems.push(result.problem)
  })
  const question =
    typeof input['question'] === 'string' && input['question'].trim() ? input['question'].trim() : undefined
  return { changes: [...byId.values()], problems, ...(question ? { question } : {}) }
}
