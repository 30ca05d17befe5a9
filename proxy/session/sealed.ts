import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'

/** What a sealed value is for; each purpose has its own key, so a login cookie never opens as a session. */
export type SealPurpose = 'session' | 'login'

export type Sealer = {
  seal(value: unknown): string
  /** The value, or undefined when the text was not sealed by this secret for this purpose (or was altered). */
  open(text: string): unknown
}

/**
 * AES-256-GCM with a key derived from SESSION_SECRET (HKDF-SHA256, one key per purpose). The browser holds the
 * sealed text but can neither read nor change it: what is inside (the editor's Storyblok tokens) stays on the proxy's
 * side of the trust boundary, and any instance with the same secret can open it (no shared store needed).
 */
export function createSealer(secret: string, purpose: SealPurpose): Sealer {
  const key = Buffer.from(hkdfSync('sha256', secret, 'storyblok-voice-assistant', `sealed ${purpose} v1`, 32))
  const aad = Buffer.from(purpose)
  return {
    seal(value) {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(aad)
      const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()])
      return `v1.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`
    },
    open(text) {
      if (!text.startsWith('v1.') || text.length > 16_000) return undefined
      const raw = Buffer.from(text.slice(3), 'base64url')
      if (raw.length < 29) return undefined
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12)).setAAD(aad)
        decipher.setAuthTag(raw.subarray(12, 28))
        const plain = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')
        return JSON.parse(plain) as unknown
      } catch {
        return undefined
      }
    },
  }
}
