import { AppError } from '../http/appError.ts'

/** Bedrock's ValidationException texts for a model that does not take a request feature (see the simulator). */
const REJECTIONS: Array<[feature: 'forcedToolChoice' | 'strictTools', pattern: RegExp]> = [
  ['forcedToolChoice', /tool_choice[^.]*(?:"tool"|"any")[^.]*not supported/i],
  // A strict schema refused for a keyword counts too: the same tool without strict is accepted.
  ['strictTools', /tools\.\d+\.custom\.(?:strict|input_schema)|strict[^.]*not (?:supported|permitted)/i],
]

/** Which feature a failed call was refused for, so the turn can retry without it; undefined for anything else. */
export function rejectedFeature(err: unknown): 'forcedToolChoice' | 'strictTools' | undefined {
  if (!(err instanceof AppError) || err.code !== 'bedrock_validation') return undefined
  const cause = err.cause as { message?: unknown } | undefined
  const text = `${err.message} ${typeof cause?.message === 'string' ? cause.message : ''}`
  return REJECTIONS.find(([, pattern]) => pattern.test(text))?.[0]
}
