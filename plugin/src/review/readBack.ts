import type { EditableChange } from '../state.ts'
import { valueToText } from '../valueText.ts'

export type Speech = {
  speechSynthesis: Pick<SpeechSynthesis, 'speak' | 'cancel'>
  SpeechSynthesisUtterance: typeof SpeechSynthesisUtterance
}

/** The browser's speech synthesis, where there is one. */
export const browserSpeech = (): Speech | undefined =>
  globalThis.speechSynthesis && globalThis.SpeechSynthesisUtterance
    ? { speechSynthesis: globalThis.speechSynthesis, SpeechSynthesisUtterance: globalThis.SpeechSynthesisUtterance }
    : undefined

/** What "read it back" says: each open change by its number, where it goes and its proposed text. */
export function readBackText(changes: EditableChange[]): string[] {
  return changes.flatMap((c, i) =>
    c.applied || c.change.invalid
      ? []
      : [
          `${i + 1}. ${c.change.label.split(' › ').at(-1) ?? c.change.label}: ${valueToText(c.after, c.change.fieldType)}`,
        ],
  )
}

/** Speaks the open changes in the interface language; a second read-back replaces the first. */
export function readBack(changes: EditableChange[], lang: string, speech: Speech | undefined = browserSpeech()): void {
  if (!speech) return
  speech.speechSynthesis.cancel()
  for (const line of readBackText(changes)) {
    const u = new speech.SpeechSynthesisUtterance(line)
    u.lang = lang
    speech.speechSynthesis.speak(u)
  }
}
