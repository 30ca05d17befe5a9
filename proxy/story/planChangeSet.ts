import type { ChangeInput, ChangeSet } from '../../shared/contract.ts'
import type { Blok, Component } from '../deps.ts'
import { sameValue } from '../../shared/sameValue.ts'
import { LANGUAGE_CODE, splitFieldKey } from '../../shared/fieldKey.ts'
import type { ChangeProblem } from './changeProblem.ts'
import type { MarkdownToRichtext } from './markdownToRichtext.ts'
import { hasEmbeddedBloks } from './richtextToMarkdown.ts'
import { validateChange, type ValidateOptions } from './validateChange.ts'
import { findBlok } from './walkBloks.ts'
import { planListItem } from './planListItem.ts'
import { writableField } from './writableFields.ts'

/** How values are checked: applyChangeSet and undoChangeSet each pass their own. */
export type ValueRules = Pick<ValidateOptions, 'allowRemove' | 'lenientRichtext'> & {
  markdownToRichtext: MarkdownToRichtext
}

/** One change that passed every check, pointing into the plan's copy of the content. */
export type PlannedChange = {
  blok: Blok
  /** Content key (`field` or `field__i18n__<lang>`). */
  key: string
  language: string
  field: string
  blockUid: string
  /** The value to write; undefined removes the key (or the list item). */
  after: unknown
  /** The saved value the change replaces (equal to its `before`). */
  current: unknown
  /** Set for a bloks list: append this new item, or (after undefined) remove it again. */
  item?: string
}

export type ChangeSetPlan = {
  /** A copy of the saved content; the planned changes point into it. */
  content: Blok
  planned: PlannedChange[]
  problems: ChangeProblem[]
}

export type PlanInput = { content: Blok; components: readonly Component[]; changes: Readonly<ChangeSet> }

/**
 * The one planner behind apply and undo. Scope is enforced here, not by the prompt: only schema-writable fields of
 * existing bloks, every value re-validated under `rules`. A targeted field whose saved value differs from `before`
 * is a conflict; what a conflict means (refuse or leave alone) is the caller's decision.
 */
export function planChangeSet({ content, components, changes }: PlanInput, rules: ValueRules): ChangeSetPlan {
  const next = structuredClone(content)
  const problems: ChangeProblem[] = []
  const planned: PlannedChange[] = []
  const seen = new Set<string>()
  const invalid = (where: { blockUid: string; field: string; language: string }, reason: string) =>
    problems.push({ ...where, kind: 'invalid', reason })
  const conflict = (change: ChangeInput, field: string, language: string, actual: unknown) =>
    problems.push({
      blockUid: change.blockUid,
      field,
      language,
      kind: 'conflict',
      expected: change.before ?? null,
      actual: actual ?? null,
    })

  for (const change of changes) {
    const { field, language } = splitFieldKey(change.field, change.language)
    const where = { blockUid: change.blockUid, field, language }
    // Hardening (issue 7): a language taken from a `field__i18n__<lang>` key must be a language code, so a crafted
    // key like `headline__i18n__de__x` cannot create arbitrary content keys.
    if (language !== 'default' && !LANGUAGE_CODE.test(language)) {
      invalid(where, `"${language.slice(0, 20)}" is not a language code`)
      continue
    }
    const visit = findBlok(next, components, change.blockUid)
    if (!visit) {
      // The block was removed (or never existed): a human changed the structure since the proposal.
      conflict(change, field, language, null)
      continue
    }
    const writable = writableField(field, visit.component?.schema[field], components)
    if (!writable) {
      invalid(where, `"${field}" of ${visit.blok.component} is not a field the assistant may write`)
      continue
    }
    if (writable.type === 'bloks') {
      const item = planListItem(next, components, visit.blok, writable, change, rules)
      if ('reason' in item) invalid(where, item.reason)
      else if (seen.has(`${change.blockUid}\u0000${field}\u0000${item.uid}`))
        invalid(where, 'the same item is changed twice in one request')
      else if (!sameValue(item.current, change.before)) conflict(change, field, 'default', item.current)
      else {
        seen.add(`${change.blockUid}\u0000${field}\u0000${item.uid}`)
        planned.push({
          blok: visit.blok,
          key: field,
          language: 'default',
          field,
          blockUid: change.blockUid,
          after: item.after,
          current: item.current,
          item: item.uid,
        })
      }
      continue
    }
    const checked = validateChange(writable, change.after, { ...rules, language })
    if (!checked.ok) {
      invalid(where, checked.reason)
      continue
    }
    if (writable.type === 'richtext' && hasEmbeddedBloks(visit.blok[checked.key])) {
      invalid(where, `"${writable.label}" contains embedded blocks; edit it in Storyblok`)
      continue
    }
    const id = `${change.blockUid}\u0000${checked.key}`
    if (seen.has(id)) {
      invalid(where, 'the same field is changed twice in one request')
      continue
    }
    seen.add(id)
    const current = visit.blok[checked.key]
    if (!sameValue(current, change.before)) {
      conflict(change, field, checked.language, current)
      continue
    }
    planned.push({
      blok: visit.blok,
      key: checked.key,
      language: checked.language,
      field,
      blockUid: change.blockUid,
      after: checked.value,
      current,
    })
  }
  return { content: next, planned, problems }
}
