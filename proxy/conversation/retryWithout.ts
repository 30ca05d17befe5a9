import { rejectedFeature } from '../adapters/rejectedFeature.ts'
import type { Log } from '../deps.ts'
import type { ModelCapabilities } from '../proposal/modelCapabilities.ts'

type Feature = 'strictTools' | 'forcedToolChoice'

const LEARNED: Record<Feature, string> = {
  strictTools: 'model refused strict tools; proposals continue without',
  forcedToolChoice: 'model refused forced tool choice; the repair round asks in words',
}

/**
 * Runs `attempt`; when Bedrock refuses `feature` for this model (a 400 before anything streamed), clears the flag in
 * the port's capabilities, so no later turn asks for it, logs that once and runs `attempt` again without it.
 */
export async function retryWithout<T>(
  feature: Feature,
  caps: ModelCapabilities,
  ctx: { log: Log; requestId: string; modelId: string; signal: AbortSignal },
  attempt: () => Promise<T>,
): Promise<T> {
  try {
    return await attempt()
  } catch (err) {
    if (ctx.signal.aborted || !caps[feature] || rejectedFeature(err) !== feature) throw err
    caps[feature] = false
    ctx.log.warn(LEARNED[feature], { requestId: ctx.requestId, modelId: ctx.modelId })
    return attempt()
  }
}
