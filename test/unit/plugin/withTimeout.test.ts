import { describe, expect, it } from 'vitest'
import { PluginError } from '../../../plugin/src/pluginError.ts'
import { withTimeout } from '../../../plugin/src/withTimeout.ts'

describe('withTimeout (the field-plugin actions have none)', () => {
  it('passes a timely result through', async () => {
    expect(await withTimeout(Promise.resolve(7), 1_000, 'x')).toBe(7)
  })

  it('turns a reply that never comes into a timeout error with a hint', async () => {
    const err = await withTimeout(new Promise(() => undefined), 5, 'the request for the current story').catch(
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(PluginError)
    expect(err as PluginError).toMatchObject({ code: 'timeout', hint: 'Reload the story and try again.' })
    expect((err as PluginError).message).toContain('the request for the current story')
  })
})
