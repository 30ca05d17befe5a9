import type { Change, Proposal, SseEvent } from '../../../shared/contract.ts'
import type { SseMessage } from './readSse.ts'
import { isRecord } from '../../../shared/isRecord.ts'

const isStr = (v: unknown): v is string => typeof v === 'string'
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)

export function isChange(v: unknown): v is Change {
  return (
    isRecord(v) &&
    isStr(v['id']) &&
    isStr(v['blockUid']) &&
    isStr(v['field']) &&
    isStr(v['label']) &&
    (v['invalid'] === undefined || isStr(v['invalid']))
  )
}

export function isProposal(v: unknown): v is Proposal {
  return (
    isRecord(v) &&
    isStr(v['changeSetId']) &&
    isNum(v['storyId']) &&
    Array.isArray(v['changes']) &&
    v['changes'].every(isChange)
  )
}

/** What each event's data must look like before the UI uses it. */
const GUARDS: Record<string, (d: Record<string, unknown>) => boolean> = {
  meta: (d) => isStr(d['requestId']),
  notice: (d) => isStr(d['code']) && isStr(d['message']),
  text: (d) => isStr(d['delta']),
  change: isChange,
  proposal: isProposal,
  usage: (d) => isNum(d['inputTokens']) && isNum(d['outputTokens']),
  done: () => true,
}

/**
 * A raw SSE message → a typed event, or undefined for anything unknown or malformed (newer proxies may add events;
 * the plugin ignores what it does not understand instead of failing). `error` is read by the client separately.
 */
export function sseEventFromMessage({ event, data: raw }: SseMessage): SseEvent | undefined {
  let data: unknown
  try {
    data = JSON.parse(raw)
  } catch {
    return undefined
  }
  const guard = GUARDS[event]
  // The guard has checked exactly the fields the UI reads for this event name.
  return guard && isRecord(data) && guard(data) ? ({ event, data } as SseEvent) : undefined
}
