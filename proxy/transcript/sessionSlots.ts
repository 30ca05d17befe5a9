import { AppError } from '../http/appError.ts'

export type SessionSlots = {
  /** Throws 429 `transcribe_session_limit` when `keyId` already records `maxPerKey` times at once. */
  assertFree(keyId: string): void
  /** One recording's slot: taken while its socket is open. */
  slot(keyId: string): { take(): void; give(): void }
}

/** Open recordings per proxy key, checked when a ticket is issued and again when it is redeemed. */
export function createSessionSlots(maxPerKey: number): SessionSlots {
  const active = new Map<string, number>()
  return {
    assertFree(keyId) {
      if ((active.get(keyId) ?? 0) >= maxPerKey) {
        throw new AppError({
          code: 'transcribe_session_limit',
          message: `At most ${maxPerKey} recordings may run at the same time per proxy key.`,
          retryAfterSeconds: 2,
        })
      }
    },
    slot: (keyId) => ({
      take: () => void active.set(keyId, (active.get(keyId) ?? 0) + 1),
      give: () => {
        const n = (active.get(keyId) ?? 1) - 1
        if (n <= 0) active.delete(keyId)
        else active.set(keyId, n)
      },
    }),
  }
}
