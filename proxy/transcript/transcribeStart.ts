import type { WsClientMessage, WsServerMessage } from '../../shared/contract.ts'
import type { TranscribeOptions } from '../deps.ts'
import type { Config } from '../loadConfig.ts'
import { transcribeLanguageFor } from './transcribeLanguage.ts'

export const SAMPLE_RATE = 16_000

type Start = Extract<WsClientMessage, { type: 'start' }>

/**
 * The client's `start` → what Transcribe is asked for and the `ready` reply: one fixed language, or identification
 * among TRANSCRIBE_LANGUAGE_OPTIONS when at least two are configured and the client asks for it.
 */
export function transcribeStart(
  msg: Start,
  limits: Config['transcribe'],
): { options: Omit<TranscribeOptions, 'signal'>; ready: WsServerMessage } {
  const optionsList = limits.languageOptions
  const fallback = optionsList[0] ?? 'en-US'
  const identify = optionsList.length >= 2 && (msg.identifyLanguage === true || msg.language === 'auto')
  const languageCode = msg.language === 'auto' ? undefined : transcribeLanguageFor(msg.language, fallback)
  return {
    options: {
      ...(identify
        ? {
            identifyLanguage: true,
            languageOptions: optionsList,
            ...(languageCode && optionsList.includes(languageCode) ? { languageCode } : {}),
          }
        : { languageCode: languageCode ?? fallback }),
      ...(limits.vocabularyName ? { vocabularyName: limits.vocabularyName } : {}),
      sampleRate: SAMPLE_RATE,
    },
    ready: {
      type: 'ready',
      ...(identify ? { identifyLanguage: true } : { languageCode: languageCode ?? fallback }),
      maxSeconds: limits.maxSeconds,
      maxFrameBytes: limits.maxFrameBytes,
    },
  }
}
