import type { Bedrock } from '../deps.ts'
import { modelCapabilities, type ModelCapabilities } from '../proposal/modelCapabilities.ts'

const learned = new WeakMap<Bedrock, ModelCapabilities>()

/**
 * The capability row of this port's model, one mutable copy per port: when Bedrock refuses something the table
 * allowed (forced tool choice, strict tools), the turn clears the flag here and later turns no longer ask for it.
 */
export function capabilitiesFor(bedrock: Bedrock): ModelCapabilities {
  let caps = learned.get(bedrock)
  if (!caps) learned.set(bedrock, (caps = modelCapabilities(bedrock.modelId, bedrock.modelFamily)))
  return caps
}
