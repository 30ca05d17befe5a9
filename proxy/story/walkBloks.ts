import type { Blok, Component } from '../deps.ts'
import { componentLabel, humanize } from './writableFields.ts'

export type BlokVisit = {
  blok: Blok
  component: Component | undefined
  depth: number
  /** Human path segments, e.g. ["Page", "Body", "Tabbed Content Section “FAQ”", "Entry 2"]. */
  path: string[]
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

/**
 * Depth-first over the root blok and every blok nested in schema `bloks` fields (not inside richtext:
 * embedded richtext bloks are part of their richtext value).
 */
export function walkBloks(root: Blok, components: readonly Component[], visit: (v: BlokVisit) => void): void {
  const byName = new Map(components.map((c) => [c.name, c]))
  const step = (blok: Blok, depth: number, path: string[]) => {
    const component = byName.get(blok.component)
    visit({ blok, component, depth, path })
    if (!component) return
    const fields = Object.entries(component.schema).sort(([, a], [, b]) => (a.pos ?? 0) - (b.pos ?? 0))
    for (const [name, field] of fields) {
      if (field.type !== 'bloks') continue
      const list = blok[name]
      if (!Array.isArray(list)) continue
      const children = list.filter(isBlok)
      children.forEach((child, i) => {
        const base = componentLabel(byName.get(child.component), child.component)
        const title = blokTitle(child)
        const segment = `${base}${children.length > 1 ? ` ${i + 1}` : ''}${title ? ` “${title}”` : ''}`
        step(child, depth + 1, [...path, field.display_name || humanize(name), segment])
      })
    }
  }
  if (isBlok(root)) step(root, 0, ['Page'])
}

export function findBlok(root: Blok, components: readonly Component[], uid: string): BlokVisit | undefined {
  let found: BlokVisit | undefined
  walkBloks(root, components, (v) => {
    if (!found && v.blok._uid === uid) found = v
  })
  return found
}
