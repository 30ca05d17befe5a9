import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import * as v from 'valibot'
import type { Clock } from '../deps.ts'

/** One field a token lets a change set write: block, field, language, list item (new items), digests of values. */
export const TokenTargetSchema = v.strictObject({
  /** block uid */
  b: v.string(),
  /** field name (without `__i18n__`) */
  f: v.string(),
  /** language ("default" for none) */
  l: v.string(),
  /** a bloks list: the one item added (apply) or removed again (undo) */
  i: v.optional(v.string()),
  /** digest of the value the change replaces */
  bf: v.string(),
  /** undo only: digest of the value it restores */
  af: v.optional(v.string()),
})
export type TokenTarget = v.InferOutput<typeof TokenTargetSchema>

export const TokenPayloadSchema = v.strictObject({
  /** apply: a proposal's targets; undo: what one apply of this proxy wrote */
  typ: v.picklist(['apply', 'undo']),
  /** the change set id (history entry, audit) */
  cs: v.string(),
  sp: v.number(),
  st: v.number(),
  /** release id; null for the main draft */
  rl: v.nullable(v.number()),
  /** expiry, epoch ms */
  exp: v.number(),
  t: v.array(TokenTargetSchema),
})
export type TokenPayload = v.InferOutput<typeof TokenPayloadSchema>

export type TokenCheck = { ok: true; payload: TokenPayload } | { ok: false; expired: boolean; reason: string }

export type ChangeTokens = {
  sign(payload: Omit<TokenPayload, 'exp'>, ttlMs: number): string
  verify(token: string): TokenCheck
}

const VERSION = 'v1'
/** Names a secret without revealing it, so rotation can tell which one signed a token. */
const keyId = (secret: string) => createHash('sha256').update(secret).digest('hex').slice(0, 8)
const mac = (secret: string, data: string) => createHmac('sha256', secret).update(data).digest()

/**
 * HMAC-SHA256 tokens `v1.<key id>.<payload>.<signature>` (base64url JSON payload). The first secret signs; every
 * secret verifies, so an operator rotates by putting the new secret first and dropping the old one a day later.
 */
export function createChangeTokens({ secrets, clock }: { secrets: readonly string[]; clock: Clock }): ChangeTokens {
  if (secrets.length === 0) throw new Error('createChangeTokens needs at least one secret')
  const keys = new Map(secrets.map((s) => [keyId(s), s]))
  const signing = secrets[0]!
  return {
    sign(payload, ttlMs) {
      const body = Buffer.from(JSON.stringify({ ...payload, exp: clock.now() + ttlMs })).toString('base64url')
      const head = `${VERSION}.${keyId(signing)}.${body}`
      return `${head}.${mac(signing, head).toString('base64url')}`
    },
    verify(token) {
      const parts = token.split('.')
      if (parts.length !== 4 || parts[0] !== VERSION)
        return { ok: false, expired: false, reason: 'is not a change token' }
      const [, kid, body, signature] = parts as [string, string, string, string]
      const secret = keys.get(kid)
      if (!secret) return { ok: false, expired: false, reason: 'was signed with a key this proxy does not have' }
      const expected = mac(secret, `${VERSION}.${kid}.${body}`)
      const given = Buffer.from(signature, 'base64url')
      // Only the canonical spelling: base64url decoding ignores unused bits, so another spelling would also pass.
      const canonical = given.toString('base64url') === signature
      if (given.length !== expected.length || !timingSafeEqual(given, expected) || !canonical)
        return { ok: false, expired: false, reason: 'has an invalid signature' }
      let parsed: unknown
      try {
        parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'))
      } catch {
        return { ok: false, expired: false, reason: 'is not readable' }
      }
      const result = v.safeParse(TokenPayloadSchema, parsed)
      if (!result.success) return { ok: false, expired: false, reason: 'is not readable' }
      if (result.output.exp <= clock.now()) return { ok: false, expired: true, reason: 'has expired' }
      return { ok: true, payload: result.output }
    },
  }
}
