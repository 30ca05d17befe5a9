import { describe, expect, it } from 'vitest'
import { errorFromEnvelope } from '../../../plugin/src/api/errorFromEnvelope.ts'
import { PluginError, toPluginError } from '../../../plugin/src/pluginError.ts'

describe('PluginError (the one error type of the plugin and the recorder window)', () => {
  it('is an Error that carries only the details present', () => {
    const e = new PluginError({
      code: 'conflict',
      message: 'Changed',
      hint: '',
      requestId: 'r',
      status: 409,
      conflicts: [],
    })
    expect(e).toBeInstanceOf(Error)
    expect(e.name).toBe('PluginError')
    expect({ ...e, message: e.message }).toEqual({
      code: 'conflict',
      message: 'Changed',
      requestId: 'r',
      status: 409,
      retryable: false,
    })
  })

  it('is retryable for load and timing failures, by code or by status, unless told otherwise', () => {
    expect(new PluginError({ code: 'bedrock_throttled', message: 'm' }).retryable).toBe(true)
    expect(new PluginError({ code: 'network', message: 'm' }).retryable).toBe(true)
    expect(new PluginError({ code: 'whatever_new', message: 'm', status: 503 }).retryable).toBe(true)
    expect(new PluginError({ code: 'unauthorized', message: 'm', status: 401 }).retryable).toBe(false)
    expect(new PluginError({ code: 'transcribe_too_long', message: 'm' }).retryable).toBe(false)
    expect(new PluginError({ code: 'network', message: 'm', retryable: false }).retryable).toBe(false)
  })

  it('reads the proxy envelope, and describes anything else it is handed as a network failure', () => {
    const e = errorFromEnvelope({ error: { code: 'rate_limited', message: 'Slow down', retryAfterSeconds: 3 } }, 429)
    expect(e).toMatchObject({ code: 'rate_limited', message: 'Slow down', retryAfterSeconds: 3, retryable: true })
    expect(errorFromEnvelope('<html>', 502)).toMatchObject({ code: 'bad_response', status: 502 })
    expect(toPluginError(e)).toBe(e)
    expect(toPluginError(new TypeError('Failed to fetch'))).toMatchObject({
      code: 'network',
      message: 'Could not reach the proxy (Failed to fetch).',
      retryable: true,
    })
  })
})
