import { describe, expect, it } from 'vitest'
import { openRecorderWindow, type RecorderWindowOptions } from '../../../plugin/speech/openRecorderWindow.ts'
import { PluginError } from '../../../plugin/src/pluginError.ts'
import { PLUGIN_SOURCE, RECORDER_SOURCE } from '../../../shared/recorderProtocol.ts'

const PROXY = 'https://voice.example.com'
const PLUGIN = 'https://plugins.storyblok.com'

function fakeWindow({ allowPopups = true } = {}) {
  const listeners = new Set<(e: unknown) => void>()
  const posted: Array<{ msg: unknown; origin: string }> = []
  const opened: string[] = []
  const popup = {
    closed: false,
    postMessage: (msg: unknown, origin: string) => posted.push({ msg, origin }),
    close: () => (popup.closed = true),
  }
  const win = {
    location: { origin: PLUGIN },
    open: (url: string) => (opened.push(url), allowPopups ? popup : null),
    addEventListener: (_t: string, l: (e: unknown) => void) => listeners.add(l),
    removeEventListener: (_t: string, l: (e: unknown) => void) => listeners.delete(l),
    setInterval: (fn: () => void, ms: number) => setInterval(fn, ms),
    clearInterval: (id: ReturnType<typeof setInterval>) => clearInterval(id),
  }
  const sid = () => new URL(opened[0]!).searchParams.get('sid')!
  return {
    window: win as unknown as NonNullable<RecorderWindowOptions['window']>,
    popup,
    posted,
    opened,
    listeners,
    sid,
    emit: (data: unknown, { origin = PROXY, source = popup as unknown } = {}) =>
      listeners.forEach((l) => l({ data, origin, source })),
  }
}

const tick = () => new Promise((r) => setTimeout(r, 0))

describe('openRecorderWindow', () => {
  it('opens the proxy recorder with this origin and a random session id', () => {
    const f = fakeWindow()
    openRecorderWindow({ proxyUrl: PROXY, getTicket: async () => 't', language: 'de', window: f.window })
    const url = new URL(f.opened[0]!)
    expect(url.origin + url.pathname).toBe(`${PROXY}/recorder`)
    expect(url.searchParams.get('origin')).toBe(PLUGIN)
    expect(url.searchParams.get('lang')).toBe('de')
    expect(f.sid()).toMatch(/^[0-9a-f]{32}$/)
  })

  it('reports popup-blocked when window.open returns null', async () => {
    const f = fakeWindow({ allowPopups: false })
    expect(await openRecorderWindow({ proxyUrl: PROXY, getTicket: async () => 't', window: f.window }).result).toEqual({
      type: 'popup-blocked',
    })
  })

  it('sends tickets only to the proxy origin and resolves with the final transcript', async () => {
    const f = fakeWindow()
    const partials: string[] = []
    const rec = openRecorderWindow({
      proxyUrl: PROXY,
      getTicket: async () => 'ticket-1',
      window: f.window,
      onPartial: (p) => partials.push(p),
    })
    const sid = f.sid()
    f.emit({ source: RECORDER_SOURCE, sid, type: 'need-ticket' })
    await tick()
    expect(f.posted).toEqual([
      { msg: { source: PLUGIN_SOURCE, sid, type: 'ticket', ticket: 'ticket-1' }, origin: PROXY },
    ])
    f.emit({ source: RECORDER_SOURCE, sid, type: 'partial', text: 'write a' })
    f.emit({ source: RECORDER_SOURCE, sid, type: 'final', text: 'write a headline' })
    expect(await rec.result).toEqual({ type: 'final', text: 'write a headline' })
    expect(partials).toEqual(['write a'])
    expect(f.listeners.size).toBe(0)
  })

  it('ignores messages from another origin, another window or another session', async () => {
    const f = fakeWindow()
    const rec = openRecorderWindow({ proxyUrl: PROXY, getTicket: async () => 'secret-ticket', window: f.window })
    const sid = f.sid()
    f.emit({ source: RECORDER_SOURCE, sid, type: 'final', text: 'evil' }, { origin: 'https://evil.example' })
    f.emit({ source: RECORDER_SOURCE, sid, type: 'final', text: 'evil' }, { source: {} })
    f.emit({ source: RECORDER_SOURCE, sid: 'other-session-id', type: 'final', text: 'evil' })
    f.emit({ source: RECORDER_SOURCE, sid, type: 'need-ticket' }, { origin: 'https://evil.example' })
    f.emit({ source: RECORDER_SOURCE, sid, type: 'final', text: 42 })
    await tick()
    expect(f.posted).toEqual([])
    f.emit({ source: RECORDER_SOURCE, sid, type: 'final', text: 'mine' })
    expect(await rec.result).toEqual({ type: 'final', text: 'mine' })
  })

  it('passes a ticket failure on to the recorder, and ends as closed when the window goes away', async () => {
    const f = fakeWindow()
    const rec = openRecorderWindow({
      proxyUrl: PROXY,
      getTicket: () =>
        Promise.reject(
          new PluginError({ code: 'transcribe_session_limit', message: 'Too many recordings', hint: 'Wait' }),
        ),
      window: f.window,
    })
    const sid = f.sid()
    f.emit({ source: RECORDER_SOURCE, sid, type: 'need-ticket' })
    await tick()
    expect(f.posted[0]).toEqual({
      msg: {
        source: PLUGIN_SOURCE,
        sid,
        type: 'ticket-error',
        message: 'Too many recordings',
        hint: 'Wait',
        code: 'transcribe_session_limit',
        retryable: true,
      },
      origin: PROXY,
    })
    f.popup.closed = true
    expect(await rec.result).toEqual({ type: 'closed' })
  })
})
