import { isRecord } from '../../shared/isRecord.ts'

/** What the proxy validated for this window: where transcripts may go, the session id, the language. */
export type RecorderSettings = { origin: string; sid: string; lang: string }

/** The settings the proxy wrote into the page (a JSON script element); undefined when the page was not served by it. */
export function readSettings(document: Pick<Document, 'getElementById'>): RecorderSettings | undefined {
  let data: unknown
  try {
    data = JSON.parse(document.getElementById('recorder-settings')?.textContent ?? '')
  } catch {
    return undefined
  }
  if (!isRecord(data)) return undefined
  const { origin, sid, lang } = data
  if (typeof origin !== 'string' || typeof sid !== 'string' || typeof lang !== 'string') return undefined
  return { origin, sid, lang }
}
