import type { Component, ComponentField } from '../deps.ts'

export type WritableType =
  'text' | 'textarea' | 'markdown' | 'richtext' | 'number' | 'boolean' | 'option' | 'options' | 'datetime' | 'bloks'

/** A field Claude may change, with the rules every proposed value is checked against. */
export type WritableField = {
  name: string
  type: WritableType
  label: string
  required: boolean
  translatable: boolean
  maxLength?: number
  /** Allowed values of option/options fields. */
  options?: string[]
  /** Richtext toolbar when the schema customises it; undefined means everything is allowed. */
  toolbar?: string[]
  /** bloks: the components a new item may be (the field's whitelist), and the list's maximum. */
  allowed?: string[]
  maximum?: number
}

const PLAIN: ReadonlySet<string> = new Set([
  'text',
  'textarea',
  'markdown',
  'richtext',
  'number',
  'boolean',
  'datetime',
])
/** Content keys Storyblok owns; never written, whatever the schema says. */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(['_uid', 'component', '_editable'])

export function humanize(name: string): string {
  const words = name
    .replace(/[-_]+/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .trim()
  return words.charAt(0).toUpperCase() + words.slice(1)
}

export function componentLabel(component: Component | undefined, name: string): string {
  return component?.display_name || humanize(name)
}

function positiveInt(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN
  return Number.isInteger(n) && n > 0 ? n : undefined
}

/**
 * Options are only writable when their allowed values are in the schema itself: datasource- and story-sourced
 * options (`source` internal, internal_stories, external, …) cannot be validated without extra API calls.
 */
function selfOptions(field: ComponentField): string[] | undefined {
  if (field.source && field.source !== 'self') return undefined
  const values = (field.options ?? []).map((o) => o?.value).filter((v): v is string => typeof v === 'string')
  return values.length > 0 ? values : undefined
}

/**
 * Components a new item of a bloks field may be: only an explicit whitelist (by name, or by component group).
 * Unrestricted fields are not offered: "any component" is too wide a scope for the assistant.
 */
function allowedComponents(field: ComponentField, components: readonly Component[]): string[] {
  if (field.restrict_components !== true) return []
  const groups = Array.isArray(field['component_group_whitelist'])
    ? (field['component_group_whitelist'] as unknown[])
    : []
  const names =
    field['restrict_type'] === 'groups'
      ? components.filter((c) => groups.includes(c['component_group_uuid'])).map((c) => c.name)
      : (field.component_whitelist ?? [])
  // A new item is only useful when the assistant can fill in some of its fields.
  return names.filter((n) => {
    const c = components.find((x) => x.name === n)
    return (
      c !== undefined &&
      Object.entries(c.schema).some(([k, f]) => f.type !== 'bloks' && writableField(k, f) !== undefined)
    )
  })
}

/**
 * The writable view of one schema field, or undefined when the proxy must never touch it. Bloks fields are writable
 * (append one new item) only when `components` are given and the field whitelists components.
 */
export function writableField(
  name: string,
  field: ComponentField | undefined,
  components?: readonly Component[],
): WritableField | undefined {
  if (!field || RESERVED_KEYS.has(name) || name.includes('__i18n__')) return undefined
  const type = field.type
  if (type === 'bloks') {
    const allowed = components ? allowedComponents(field, components) : []
    if (allowed.length === 0) return undefined
    const maximum = positiveInt(field.maximum)
    return {
      name,
      type,
      label: field.display_name || humanize(name),
      required: false,
      translatable: false,
      allowed,
      ...(maximum ? { maximum } : {}),
    }
  }
  let options: string[] | undefined
  if (type === 'option' || type === 'options') {
    options = selfOptions(field)
    if (!options) return undefined
  } else if (!PLAIN.has(type)) {
    return undefined // asset, multiasset, multilink, bloks, custom (plugins), tab, section, table, …
  }
  const maxLength = positiveInt(field.max_length)
  const toolbar =
    type === 'richtext' && field['customize_toolbar'] === true && Array.isArray(field['toolbar'])
      ? (field['toolbar'] as unknown[]).filter((t): t is string => typeof t === 'string')
      : undefined
  return {
    name,
    type: type as WritableType,
    label: field.display_name || humanize(name),
    required: field.required === true,
    translatable: field.translatable === true,
    ...(maxLength ? { maxLength } : {}),
    ...(options ? { options } : {}),
    ...(toolbar ? { toolbar } : {}),
  }
}

/** Writable fields of a component in editor order. */
export function writableFields(component: Component, components?: readonly Component[]): WritableField[] {
  return Object.entries(component.schema)
    .sort(([, a], [, b]) => (a.pos ?? 0) - (b.pos ?? 0))
    .map(([name, field]) => writableField(name, field, components))
    .filter((f): f is WritableField => f !== undefined)
}
