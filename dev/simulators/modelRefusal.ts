import { MODEL_ERRORS, type SimModel } from './bedrockModels.ts'
import { strictSchemaProblem } from './strictSchema.ts'

const isCachePoint = (b: unknown) => typeof b === 'object' && b !== null && 'cachePoint' in b

/** The ValidationException text Bedrock answers a request with that this model refuses, if any. */
export function modelRefusal(model: SimModel, body: any): string | undefined {
  const toolConfig = body?.toolConfig
  const choice = toolConfig?.toolChoice
  if (!model.forcedToolChoice && (choice?.any || choice?.tool)) return MODEL_ERRORS.forcedToolChoice
  const tools: any[] = Array.isArray(toolConfig?.tools) ? toolConfig.tools : []
  for (const [i, tool] of tools.entries()) {
    if (!tool?.toolSpec?.strict) continue
    if (model.strict === 'rejected') return MODEL_ERRORS.strict(i)
    if (model.strict === 'honoured') {
      const problem = strictSchemaProblem(tool.toolSpec.inputSchema?.json)
      if (problem) return MODEL_ERRORS.strictSchema(i, problem)
    }
  }
  if (model.family !== 'permissive') {
    const messages: any[] = Array.isArray(body?.messages) ? body.messages : []
    const points =
      tools.filter(isCachePoint).length +
      (Array.isArray(body?.system) ? body.system.filter(isCachePoint).length : 0) +
      messages.reduce((n, m) => n + (Array.isArray(m?.content) ? m.content.filter(isCachePoint).length : 0), 0)
    if (points > 4) return MODEL_ERRORS.tooManyCachePoints(points)
  }
  if (model.reasoning === 'always') {
    const messages: any[] = Array.isArray(body?.messages) ? body.messages : []
    for (let i = messages.length - 1; i >= 0; i--) {
      const m = messages[i]
      if (m?.role !== 'assistant' || !Array.isArray(m.content)) continue
      if (!m.content.some((c: any) => c?.toolUse)) continue
      if (!m.content[0]?.reasoningContent) return MODEL_ERRORS.thinkingFirst(i)
      break
    }
  }
  return undefined
}
