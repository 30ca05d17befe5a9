import { describe, expect, it } from 'vitest'
import { connectOpener } from '../../../plugin/recorder/connectOpener.ts'
import { readSettings } from '../../../plugin/recorder/readSettings.ts'
import { PluginError } from '../../../plugin/src/pluginError.ts'
import { PLUGIN_SOURCE, RECORDER_SOURCE } from '../../../shared/recorderProtocol.ts'

const PLUGIN = 'https://plugins.storyblok.com'
const SID = 'abcdef0123456789'

function fakeWindows() {
  const listeners: Array<(e: unknown) => void> = []
  const posted: Array<{ msg: unknown; origin: string }> = []
  const opener = { closed: false, postMessage: (msg: unknown, origin: string) => posted.push({ msg, origin }) }
  const win = {
    addEventListener: (_t: string, l: (e: unknown) => void) => listeners.push(l),
    setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
    clearTimeout: (id: ReturnType<typeof setTimeout>) => clearTimeout(id),
  }
  return {
    opener,
    posted,
    link: (ticketTimeoutMs?: number) =>
      connectOpener({
        opener: opener as unknown as Window,
        origin: PLUGIN,
        sid: SID,
        window: win as unknown as Window,
        ...(ticketTimeoutMs ? { ticketTimeoutMs } : {}),
      }),
    emit: (data: unknown, { origin = PLUGIN, source = opener as unknown } = {}) =>
      listeners.forEach((l) => l({ data, origin, source })),
  }
}

describe('connectOpener (the recorder window side of the protocol)', () => {
  it('asks the opener for a ticket and takes it only from the plugin origin, the opener and this session', async () => {
    const f = fakeWindows()
    const ticket = f.link().ticket()
    expect(f.posted).toEqual([{ msg: { source: RECORDER_SOURCE, sid: SID, type: 'need-ticket' }, origin: PLUGIN }])
    f.emit({ source: PLUGIN_SOURCE, sid: SID, type: 'ticket', ticket: 'evil' }, { origin: 'https://evil.example' })
    f.emit({ source: PLUGIN_SOURCE, sid: SID, type: 'ticket', ticket: 'evil' }, { source: {} })
    f.emit({ source: PLUGIN_SOURCE, sid: 'other-session-id', type: 'ticket', ticket: 'evil' })
    f.emit({ source: PLUGIN_SOURCE, sid: SID, type: 'ticket', ticket: 't-1' })
    expect(await ticket).toBe('t-1')
  })

  it("turns the plugin's ticket error into a PluginError with its code and retryability", async () => {
    const f = fakeWindows()
    const ticket = f.link().ticket()
    f.emit({
      source: PLUGIN_SOURCE,
      sid: SID,
      type: 'ticket-error',
      message: 'Too many recordings',
      hint: 'Wait',
      code: 'transcribe_session_limit',
      retryable: true,
    })
    const err = await ticket.catch((e: unknown) => e)
    expect(err).toBeInstanceOf(PluginError)
    expect(err).toMatchObject({ code: 'transcribe_session_limit', message: 'Too many recordings', hint: 'Wait' })
    expect((err as PluginError).retryable).toBe(true)
  })

  it('gives up on a plugin that does not answer, and a late ticket goes to the next request', async () => {
    const f = fakeWindows()
    const link = f.link(5)
    await expect(link.ticket()).rejects.toMatchObject({ code: 'timeout' })
    const next = link.ticket()
    f.emit({ source: PLUGIN_SOURCE, sid: SID, type: 'ticket', ticket: 't-2' })
    expect(await next).toBe('t-2')
  })

  it('posts nothing once the opener is gone', () => {
    const f = fakeWindows()
    f.opener.closed = true
    f.link().post({ type: 'final', text: 'x' })
    expect(f.posted).toEqual([])
  })
})

describe('readSettings', () => {
  const doc = (text: string | undefined) => ({
    getElementById: (id: string) => (id === 'recorder-settings' && text !== undefined ? { textContent: text } : null),
  })
  it('reads what the proxy wrote, and nothing else', () => {
    expect(readSettings(doc(`{"origin":"${PLUGIN}","sid":"${SID}","lang":""}`) as never)).toEqual({
      origin: PLUGIN,
      sid: SID,
      lang: '',
    })
    expect(readSettings(doc('__RECORDER_SETTINGS__') as never)).toBeUndefined()
    expect(readSettings(doc('{"origin":1,"sid":"x","lang":""}') as never)).toBeUndefined()
    expect(readSettings(doc(undefined) as never)).toBeUndefined()
  })
})
