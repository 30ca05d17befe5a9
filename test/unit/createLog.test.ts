import { describe, expect, it } from 'vitest'
import { createLog } from '../../proxy/createLog.ts'

const SECRET = 'sk-test-secret-value-42'

function capture() {
  const lines: string[] = []
  const log = createLog({ secrets: [SECRET], write: (l) => lines.push(l), now: () => 0 })
  return { log, text: () => lines.join('\n') }
}

describe('createLog', () => {
  it('writes nothing it did not inspect: a secret nested deeper than the scrub depth stays out', () => {
    const { log, text } = capture()
    let deep: Record<string, unknown> = { header: `x ${SECRET} y`, other: 'AKIDTESTVOICE0000001' }
    for (let i = 0; i < 10; i++) deep = { next: deep }
    log.error('failed', { cause: deep })
    expect(text()).not.toContain(SECRET)
    expect(text()).not.toContain('AKIDTESTVOICE0000001')
  })

  it('redacts lists and objects under secret-looking keys, but keeps token counts', () => {
    const { log, text } = capture()
    log.warn('sdk', {
      request: {
        headers: {
          authorization: ['AWS4-HMAC-SHA256 Signature=abc123def'],
          'x-amz-security-token': { value: 'session-xyz' },
        },
      },
      usage: { inputTokens: 12, outputTokens: 3 },
    })
    const record = JSON.parse(text()) as { request: { headers: Record<string, unknown> }; usage: unknown }
    expect(record.request.headers).toEqual({ authorization: '[redacted]', 'x-amz-security-token': '[redacted]' })
    expect(record.usage).toEqual({ inputTokens: 12, outputTokens: 3 })
  })

  it('reduces errors to name and scrubbed message', () => {
    const { log, text } = capture()
    const err = Object.assign(new Error(`denied for ${SECRET}`), {
      name: 'AccessDeniedException',
      $response: { headers: { cookie: 'c' } },
    })
    log.error('failed', { cause: err })
    expect(JSON.parse(text())).toMatchObject({
      cause: { name: 'AccessDeniedException', message: 'denied for [redacted]' },
    })
    expect(text()).not.toContain('$response')
  })
})
