import { createHash } from 'node:crypto'
import type { SimModel } from './bedrockModels.ts'

export type CacheUsage = { cacheReadInputTokens: number; cacheWriteInputTokens: number }

export type PromptCache = {
  /** Reads and writes the prefixes this request's cache points mark; undefined when none reaches the minimum. */
  account(model: SimModel, body: any): CacheUsage | undefined
  clear(): void
}

/** Same estimate everywhere in the simulator: ~4 characters of request JSON per token. */
export const simTokens = (chars: number) => Math.ceil(chars / 4)

/**
 * Bedrock prompt caching as documented: the prefix is tools, then system, then messages; a checkpoint caches only
 * when it adds at least the model's minimum tokens after the previous one; entries live 5 minutes from last use.
 */
export function createPromptCache({ ttlMs = 300_000, now = Date.now } = {}): PromptCache {
  const entries = new Map<string, number>()
  return {
    clear: () => entries.clear(),
    account(model, body) {
      const min = model.cacheMinTokens
      if (min === undefined) return undefined
      const points = checkpoints(body)
      const valid: Array<{ tokens: number; key: string }> = []
      let last = 0
      for (const p of points) {
        if (p.tokens - last < min) continue
        valid.push({ tokens: p.tokens, key: `${model.family}:${p.key}` })
        last = p.tokens
      }
      if (!valid.length) return undefined
      const t = now()
      const hit = [...valid].reverse().find((p) => (entries.get(p.key) ?? 0) > t)
      const read = hit?.tokens ?? 0
      const top = valid.at(-1)!
      for (const p of valid) entries.set(p.key, t + ttlMs)
      return { cacheReadInputTokens: read, cacheWriteInputTokens: top.tokens - read }
    },
  }
}

function checkpoints(body: any): Array<{ tokens: number; key: string }> {
  const hash = createHash('sha256')
  let chars = 0
  const out: Array<{ tokens: number; key: string }> = []
  const add = (part: unknown) => {
    const json = JSON.stringify(part)
    hash.update(json)
    chars += json.length
  }
  const visit = (block: unknown) => {
    if (typeof block === 'object' && block !== null && 'cachePoint' in block)
      out.push({ tokens: simTokens(chars), key: hash.copy().digest('hex') })
    else add(block)
  }
  for (const tool of body?.toolConfig?.tools ?? []) visit(tool)
  for (const block of body?.system ?? []) visit(block)
  for (const m of body?.messages ?? []) {
    add(m?.role)
    for (const block of m?.content ?? []) visit(block)
  }
  return out
}
