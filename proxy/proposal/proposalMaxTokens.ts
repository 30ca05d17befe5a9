import type { StoryOutline } from '../story/storyOutline.ts'
import type { ModelCapabilities } from './modelCapabilities.ts'

/** Room for the answer text, the tool call's JSON around the values, and a question. */
const OVERHEAD = 1024
/** Thinking shares maxTokens on models that always reason. */
const REASONING = 4096
/** Upper bound whatever the story: a proposal is a handful of fields, not a book. */
const CEILING = 32_000

/**
 * maxTokens for a proposal turn: enough to rewrite or translate every writable text of the story as JSON
 * (~2.5 characters per token: JSON escapes, other languages and newer tokenizers), never below the configured floor nor above what the model can write.
 */
export function proposalMaxTokens(outline: StoryOutline, caps: ModelCapabilities, floor: number): number {
  let chars = 0
  for (const t of outline.targets.values()) {
    if (t.field.type === 'bloks') continue
    const value = t.blok[t.field.name]
    if (typeof value === 'string') chars += value.length
    else if (value && typeof value === 'object') chars += JSON.stringify(value).length / 2
  }
  const needed = OVERHEAD + Math.ceil(chars / 2.5) + (caps.reasoning === 'always' ? REASONING : 0)
  return Math.min(caps.maxOutputTokens, Math.max(floor, Math.min(needed, CEILING)))
}
