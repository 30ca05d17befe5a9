import { describe, expect, it } from 'vitest'
import { createSealer } from '../../../proxy/session/sealed.ts'

const SECRET = 'x'.repeat(40)

describe('createSealer', () => {
  it('opens what it sealed, and the sealed text does not show the value', () => {
    const s = createSealer(SECRET, 'session')
    const sealed = s.seal({ accessToken: 'storyblok-token-visible?' })
    expect(sealed).toMatch(/^v1\.[\w-]+$/)
    expect(Buffer.from(sealed.slice(3), 'base64url').toString('latin1')).not.toContain('storyblok-token')
    expect(s.open(sealed)).toEqual({ accessToken: 'storyblok-token-visible?' })
    expect(s.seal({ a: 1 })).not.toBe(s.seal({ a: 1 })) // fresh IV each time
  })

  it('refuses altered text, another secret and another purpose', () => {
    const sealed = createSealer(SECRET, 'session').seal({ a: 1 })
    const flipped = sealed.slice(0, 10) + (sealed[10] === 'A' ? 'B' : 'A') + sealed.slice(11)
    expect(createSealer(SECRET, 'session').open(flipped)).toBeUndefined()
    expect(createSealer('y'.repeat(40), 'session').open(sealed)).toBeUndefined()
    expect(createSealer(SECRET, 'login').open(sealed)).toBeUndefined()
    expect(createSealer(SECRET, 'session').open('v1.')).toBeUndefined()
    expect(createSealer(SECRET, 'session').open('garbage')).toBeUndefined()
  })
})
