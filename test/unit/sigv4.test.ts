import { Sha256 } from '@aws-crypto/sha256-js'
import { SignatureV4 } from '@smithy/signature-v4'
import { describe, expect, it } from 'vitest'
import { verifySigV4 } from '../../dev/simulators/sigv4.ts'

const secrets = { AKIDTESTVOICE0000001: { secretAccessKey: 'test-secret-voice-assistant' } }
const signer = new SignatureV4({
  service: 'bedrock',
  region: 'us-east-1',
  sha256: Sha256,
  credentials: { accessKeyId: 'AKIDTESTVOICE0000001', secretAccessKey: 'test-secret-voice-assistant' },
})
const signingDate = new Date('2026-11-25T12:00:00Z')

async function signed(body: string, hostHeader: 'host' | ':authority' = 'host') {
  const req = await signer.sign(
    {
      method: 'POST',
      protocol: 'http:',
      hostname: '127.0.0.1',
      path: '/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse',
      query: {},
      headers: { [hostHeader]: '127.0.0.1:1234', 'content-type': 'application/json' },
      body,
    },
    { signingDate },
  )
  return req.headers as Record<string, string>
}

const verify = (headers: Record<string, string>, body: string, now = signingDate) =>
  verifySigV4({
    method: 'POST',
    rawPath: '/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse',
    headers,
    body,
    service: 'bedrock',
    region: 'us-east-1',
    secrets,
    now,
  })

describe('verifySigV4', () => {
  it('accepts a correctly signed request (host or :authority)', async () => {
    expect(await verify(await signed('{"a":1}'), '{"a":1}')).toMatchObject({ ok: true, akid: 'AKIDTESTVOICE0000001' })
    expect(await verify(await signed('{"a":1}', ':authority'), '{"a":1}')).toMatchObject({ ok: true })
  })

  it('rejects a changed body even when the signer would trust the declared hash', async () => {
    const headers = await signed('{"a":1}')
    expect(await verify(headers, '{"a":2}')).toMatchObject({ ok: false, type: 'InvalidSignatureException' })
  })

  it('rejects a changed signed header', async () => {
    const headers = { ...(await signed('{}')), 'content-type': 'text/plain' }
    expect(await verify(headers, '{}')).toMatchObject({ ok: false, type: 'InvalidSignatureException' })
  })

  it('rejects more than 5 minutes of clock skew', async () => {
    const late = new Date(signingDate.getTime() + 6 * 60_000)
    const result = await verify(await signed('{}'), '{}', late)
    expect(result).toMatchObject({ ok: false, type: 'InvalidSignatureException' })
    expect(!result.ok && result.message).toMatch(/^Signature expired/)
  })

  it('rejects unknown keys and missing auth', async () => {
    const headers = await signed('{}')
    const unknown = {
      ...headers,
      authorization: (headers['authorization'] ?? '').replace('AKIDTESTVOICE0000001', 'AKIDSOMEONEELSE00001'),
    }
    expect(await verify(unknown, '{}')).toMatchObject({ ok: false, type: 'UnrecognizedClientException' })
    const { authorization: _drop, ...unsigned } = headers
    expect(await verify(unsigned, '{}')).toMatchObject({ ok: false, type: 'MissingAuthenticationTokenException' })
  })
})
