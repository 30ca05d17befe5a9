import { randomUUID } from 'node:crypto'
import type { Blok, Component } from '../../proxy/deps.ts'

const MAX_STORY_BYTES = 5 * 1024 * 1024

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

export function isBlok(v: unknown): v is Blok {
  return isRecord(v) && typeof v.component === 'string'
}

/** Rails-style 422 bodies for what Storyblok rejects on save; undefined when the content is acceptable. */
export function validateContent(content: unknown, components: Component[], story: object): unknown {
  const byName = new Map(components.map((c) => [c.name, c]))
  if (!isBlok(content) || byName.get(content.component)?.is_root !== true) {
    return { error: { base: ['Please select a content type component as your root component'] } }
  }
  const errors: Record<string, string[]> = {}
  walkBloks(content, (blok) => {
    const schema = byName.get(blok.component)?.schema ?? {}
    for (const [field, def] of Object.entries(schema)) {
      const value = blok[field]
      if (def.type === 'number' && value !== undefined && value !== null && value !== '') {
        if (typeof value !== 'string' || !/^-?[\d.]*$/.test(value)) {
          errors[field] = [...(errors[field] ?? []), "must be a string with numbers and allow '-' and '.'"]
        }
      }
    }
  })
  if (Object.keys(errors).length > 0) return errors
  const size = Buffer.byteLength(JSON.stringify({ ...story, content }))
  if (size > MAX_STORY_BYTES) return { error: { base: ['Story is too large. The maximum size of a story is 5 MB.'] } }
  return undefined
}

export function walkBloks(v: unknown, visit: (b: Blok) => void): void {
  if (Array.isArray(v)) for (const x of v) walkBloks(x, visit)
  else if (isRecord(v)) {
    if (isBlok(v)) visit(v)
    for (const x of Object.values(v)) if (typeof x === 'object') walkBloks(x, visit)
  }
}

/** Storyblok keeps `_uid`s it is given and assigns one to new bloks. */
export function withUids(content: Blok): Blok {
  walkBloks(content, (b) => {
    if (typeof b._uid !== 'string' || b._uid === '') b._uid = randomUUID()
  })
  return content
}

/** Depth-first search for a block by `_uid`. */
export function findBlock(root: unknown, blockUid: string): Blok | undefined {
  let found: Blok | undefined
  walkBloks(root, (b) => {
    if (!found && b._uid === blockUid) found = b
  })
  return found
}
