import type { Blok, Component } from '../deps.ts'
import { componentLabel, humanize } from './writableFields.ts'

export type BlokVisit = {
  blok: Blok
  component: Component | undefined
  depth: number
  /** Human path, e.g. "Page › Body › Tabbed Content Section “FAQ” › Entry 2"; built from the parent's, not re-joined. */
  path: string
}

export function isBlok(value: unknown): value is Blok {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Blok)._uid === 'string' &&
    typeof (value as Blok).component === 'string'
  )
}

/** A short title so spoken references ("the FAQ section") can be matched. */
function blokTitle(blok: Blok): string | undefined {
  for (const key of ['headline', 'title', 'label', 'name']) {
    const value = blok[key]
    if (typeof value === 'string' && value.trim()) {
      const t = value.trim().replace(/\s+/g, ' ')
      return t.length > 40 ? `${t.slice(0, 39)}…` : t
    }
  }
  return undefined
}

/** Levels below the page shown in full; deeper bloks show the last few, so a path costs the same at any depth. */
const FULL_PATH_LEVELS = 12
const SHORT_PATH_LEVELS = 6

type SchemaIndex = {
  byName: ReadonlyMap<string, Component>
  /** A component's bloks fields in editor order, with their labels. */
  lists(component: Component): ReadonlyArray<readonly [string, string]>
  /** The display label of a component name (known or not). */
  label(name: string): string
}

/** Built once per schema list (the adapter's cached array), not once per walk: every turn walks the same schemas. */
const indexes = new WeakMap<readonly Component[], SchemaIndex>()

function schemaIndex(components: readonly Component[]): SchemaIndex {
  const known = indexes.get(components)
  if (known) return known
  const byName = new Map(components.map((c) => [c.name, c]))
  const listsOf = new Map<Component, Array<[string, string]>>()
  const labels = new Map<string, string>()
  const index: SchemaIndex = {
    byName,
    lists(component) {
      let found = listsOf.get(component)
      if (!found) {
        found = Object.entries(component.schema)
          .filter(([, field]) => field.type === 'bloks')
          .sort(([, a], [, b]) => (a.pos ?? 0) - (b.pos ?? 0))
          .map(([name, field]) => [name, field.display_name || humanize(name)])
        listsOf.set(component, found)
      }
      return found
    },
    label(name) {
      let found = labels.get(name)
      if (found === undefined) {
        found = componentLabel(byName.get(name), name)
        if (labels.size < 10_000) labels.set(name, found)
      }
      return found
    },
  }
  indexes.set(components, index)
  return index
}

type Pending = { blok: Blok; depth: number; path: string; tail: readonly string[] }

/**
 * Depth-first over the root blok and every blok nested in schema `bloks` fields (not inside richtext:
 * embedded richtext bloks are part of their richtext value). The visitor returns `true` to stop the walk.
 * Linear at any depth: no recursion, each component's bloks fields sorted once per schema list, each path built from
 * its parent's (cut to the last levels below FULL_PATH_LEVELS).
 */
export function walkBloks(root: Blok, components: readonly Component[], visit: (v: BlokVisit) => boolean | void): void {
  const { byName, lists, label: labelOf } = schemaIndex(components)
  if (!isBlok(root)) return
  const stack: Pending[] = [{ blok: root, depth: 0, path: 'Page', tail: [] }]
  for (let next = stack.pop(); next; next = stack.pop()) {
    const { blok, depth, path, tail } = next
    const component = byName.get(blok.component)
    if (visit({ blok, component, depth, path }) === true) return
    if (!component) continue
    const children: Pending[] = []
    for (const [name, label] of lists(component)) {
      const list = blok[name]
      if (!Array.isArray(list)) continue
      const items = list.filter(isBlok)
      items.forEach((child, i) => {
        const base = labelOf(child.component)
        const title = blokTitle(child)
        const segment = `${base}${items.length > 1 ? ` ${i + 1}` : ''}${title ? ` “${title}”` : ''}`
        const childTail = [...tail.slice(2 - 2 * SHORT_PATH_LEVELS), label, segment]
        const childPath =
          depth + 1 <= FULL_PATH_LEVELS ? `${path} › ${label} › ${segment}` : `Page › … › ${childTail.join(' › ')}`
        children.push({ blok: child, depth: depth + 1, path: childPath, tail: childTail })
      })
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!)
  }
}

export function findBlok(root: Blok, components: readonly Component[], uid: string): BlokVisit | undefined {
  let found: BlokVisit | undefined
  walkBloks(root, components, (v) => {
    if (v.blok._uid !== uid) return false
    found = v
    return true
  })
  return found
}
