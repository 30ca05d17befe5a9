import { createHash, randomBytes } from 'node:crypto'
import type { TicketGrant, TicketStore } from '../transcript/ticketStore.ts'
import type { SharedState } from './sharedState.ts'
import { stateUnavailable } from './stateUnavailable.ts'

/**
 * Transcription tickets in the shared state, so a ticket issued by one instance opens the WebSocket at any other.
 * Stored under the ticket's SHA-256 (the ticket itself never sits in Redis). Fails closed: no state, no ticket.
 */
export function createStateTicketStore({ state, ttlMs = 30_000 }: { state: SharedState; ttlMs?: number }): TicketStore {
  const keyOf = (ticket: string) => `ticket:${createHash('sha256').update(ticket).digest('base64url')}`
  return {
    async issue(grant) {
      const ticket = randomBytes(32).toString('base64url')
      try {
        await state.put(keyOf(ticket), JSON.stringify({ keyId: grant.keyId }), ttlMs)
      } catch (err) {
        throw stateUnavailable('no transcription ticket could be issued', err)
      }
      return { ticket, expiresInSeconds: Math.round(ttlMs / 1000) }
    },
    async redeem(ticket) {
      let raw: string | undefined
      try {
        raw = await state.take(keyOf(ticket))
      } catch (err) {
        throw stateUnavailable('the transcription ticket could not be checked', err)
      }
      if (raw === undefined) return undefined
      const grant = JSON.parse(raw) as TicketGrant
      return { keyId: grant.keyId }
    },
  }
}
