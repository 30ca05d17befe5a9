import { randomBytes } from 'node:crypto'
import type { Clock } from '../deps.ts'

export type TicketGrant = { keyId: string }

type Issued = { ticket: string; expiresInSeconds: number }

/** In process (below) or in the shared state (proxy/state/stateTicketStore.ts). */
export type TicketStore = {
  issue(grant: TicketGrant): Issued | Promise<Issued>
  /** Single use: a redeemed, expired or unknown ticket gives undefined. */
  redeem(ticket: string): TicketGrant | undefined | Promise<TicketGrant | undefined>
}

/**
 * Short-lived, single-use tickets for the transcription WebSocket, because browsers cannot send an
 * Authorization header on a WebSocket and the API key must never appear in a URL (logs, history).
 */
export function createTicketStore({ clock, ttlMs = 30_000 }: { clock: Clock; ttlMs?: number }): TicketStore & {
  issue(grant: TicketGrant): Issued
  redeem(ticket: string): TicketGrant | undefined
  readonly size: number
} {
  const tickets = new Map<string, TicketGrant & { expiresAt: number }>()
  const sweep = (now: number) => {
    for (const [t, g] of tickets) if (g.expiresAt <= now) tickets.delete(t)
  }
  return {
    issue(grant) {
      const now = clock.now()
      sweep(now)
      const ticket = randomBytes(32).toString('base64url')
      tickets.set(ticket, { ...grant, expiresAt: now + ttlMs })
      return { ticket, expiresInSeconds: Math.round(ttlMs / 1000) }
    },
    redeem(ticket) {
      const grant = tickets.get(ticket)
      tickets.delete(ticket)
      if (!grant || grant.expiresAt <= clock.now()) return undefined
      return { keyId: grant.keyId }
    },
    get size() {
      return tickets.size
    },
  }
}
