import type { ChatContent, ModelRequest } from '../deps.ts'
import type { ModelCapabilities } from './modelCapabilities.ts'

/** Characters per token, deliberately high: JSON and non-English text have fewer, so prefixes are never overrated. */
const CHARS_PER_TOKEN = 4

type Block = ModelRequest['system'][number] | ChatContent
const isPoint = (b: Block): b is { cachePoint: { type: 'default' } } => 'cachePoint' in b

/**
 * Keeps a candidate cache point only where it pays: the model caches at all, the point adds at least the model's
 * minimum tokens after the previous kept point (Bedrock ignores it otherwise, and the write is wasted), and at most
 * `maxCachePoints` are kept. The prefix order is Bedrock's: tools, system, messages.
 */
export function withCachePoints(request: ModelRequest, caps: ModelCapabilities): ModelRequest {
  const min = caps.cacheMinTokens
  let chars = JSON.stringify(request.tools ?? []).length
  let lastKept = 0
  let kept = 0
  const keep = (b: Block): boolean => {
    if (!isPoint(b)) {
      chars += JSON.stringify(b).length
      return true
    }
    const tokens = Math.floor(chars / CHARS_PER_TOKEN)
    if (min === undefined || kept >= caps.maxCachePoints || tokens - lastKept < min) return false
    lastKept = tokens
    kept++
    return true
  }
  return {
    ...request,
    system: request.system.filter(keep),
    messages: request.messages.map((m) => ({ ...m, content: m.content.filter(keep) })),
  }
}

/** The conversation so far ends with Claude's last answer: a point there lets the next turn read it from the cache. */
export function withHistoryPoint(messages: ModelRequest['messages']): ModelRequest['messages'] {
  const at = messages.length - 2
  if (at < 1 || messages[at]?.role !== 'assistant') return messages
  return messages.map((m, i) => (i === at ? { ...m, content: [...m.content, { cachePoint: { type: 'default' } }] } : m))
}
