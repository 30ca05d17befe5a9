import { describe, expect, it } from 'vitest'
import { useSignIn } from '../../../plugin/src/signIn/useSignIn.ts'
import { createProxyClient } from '../../../plugin/src/api/createProxyClient.ts'
import { SESSION_HEADER } from '../../../shared/signInProtocol.ts'

const PROXY = 'https://proxy.test'
const EDITOR = { id: 7, name: 'Erika', spaceId: 1, spaceName: 'Demo', expiresAt: 1 }

/** A window whose popup and message events the test drives (VueUse style: the global is an option). */
function fakeWindow({ blocked = false } = {}) {
  const listeners = new Set<(e: MessageEvent) => void>()
  const popup = { closed: false } as unknown as Window
  const opened: string[] = []
  const win = {
    location: { origin: 'https://plugins.storyblok.com' },
    open: (url: string | URL) => (opened.push(String(url)), blocked ? null : popup),
    addEventListener: (_: string, fn: (e: MessageEvent) => void) => void listeners.add(fn),
    removeEventListener: (_: string, fn: (e: MessageEvent) => void) => void listeners.delete(fn),
  } as unknown as Window
  const post = (data: unknown, { origin = PROXY, source = popup as unknown } = {}) => {
    for (const fn of [...listeners]) fn({ data, origin, source } as MessageEvent)
  }
  return { win, popup, opened, post, listeners }
}

function fakeFetch(reply: (url: string, init: RequestInit) => Response) {
  const calls: Array<{ url: string; headers: Headers; method: string }> = []
  const fetch = (async (url: string | URL, init: RequestInit = {}) => {
    calls.push({ url: String(url), headers: new Headers(init.headers), method: init.method ?? 'GET' })
    return reply(String(url), init)
  }) as typeof globalThis.fetch
  return { fetch, calls }
}

describe('useSignIn', () => {
  it('learns the mode, opens the window on the proxy origin and takes the session only from it', async () => {
    const { win, popup, opened, post, listeners } = fakeWindow()
    const { fetch } = fakeFetch(() => Response.json({ mode: 'oauth', editor: null }))
    const s = useSignIn({ proxyUrl: PROXY, proxyKey: 'k', spaceId: 1, fetch, window: win })
    await s.load()
    expect(s.mode.value).toBe('oauth')
    s.signIn()
    expect(opened[0]).toBe(`${PROXY}/auth/login?origin=https%3A%2F%2Fplugins.storyblok.com&space_id=1`)
    post({ type: 'sva-signin', session: 'v1.forged', editor: EDITOR }, { origin: 'https://evil.test' })
    post({ type: 'sva-signin', session: 'v1.forged', editor: EDITOR }, { source: {} })
    expect(s.session()).toBeUndefined()
    post({ type: 'sva-signin', session: 'v1.sealed', editor: EDITOR }, { source: popup })
    expect(s.session()).toBe('v1.sealed')
    expect(s.editor.value).toEqual(EDITOR)
    expect(listeners.size).toBe(0)
  })

  it('shows the window’s error, a blocked popup, and treats an older proxy as shared-token', async () => {
    const { win, post } = fakeWindow()
    const { fetch } = fakeFetch(() => new Response('Not found', { status: 404 }))
    const s = useSignIn({ proxyUrl: PROXY, proxyKey: 'k', spaceId: undefined, fetch, window: win })
    await s.load()
    expect(s.mode.value).toBe('shared-token')
    s.signIn()
    post({ type: 'sva-signin', error: { code: 'signin_failed', message: 'Cancelled.', hint: 'Try again.' } })
    expect(s.error.value).toBe('Cancelled. Try again.')
    expect(s.session()).toBeUndefined()
    const blocked = useSignIn({
      proxyUrl: PROXY,
      proxyKey: 'k',
      spaceId: 1,
      fetch,
      window: fakeWindow({ blocked: true }).win,
    })
    blocked.signIn()
    expect(blocked.error.value).toBe('popup-blocked')
  })

  it('signs out at the proxy with the session and forgets it', async () => {
    const { win, popup, post } = fakeWindow()
    const { fetch, calls } = fakeFetch(() => Response.json({ signedOut: true }))
    const s = useSignIn({ proxyUrl: PROXY, proxyKey: 'k', spaceId: 1, fetch, window: win })
    s.signIn()
    post({ type: 'sva-signin', session: 'v1.sealed', editor: EDITOR }, { source: popup })
    s.signOut()
    expect(calls.at(-1)).toMatchObject({ url: `${PROXY}/auth/logout`, method: 'POST' })
    expect(calls.at(-1)?.headers.get(SESSION_HEADER)).toBe('v1.sealed')
    expect(s.session()).toBeUndefined()
    expect(s.editor.value).toBeUndefined()
  })
})

describe('createProxyClient with a session', () => {
  const change = { spaceId: 1, storyId: 2, changes: [{ blockUid: 'b', field: 'f', before: 'a', after: 'b' }] }
  const result = { storyId: 2, version: 'v', applied: [], undo: [] }

  it('sends the session, keeps a renewed one, and drops one the proxy says has ended', async () => {
    let session: string | undefined = 'v1.old'
    const seen: Array<string | undefined> = []
    let reply = () => Response.json(result, { headers: { [SESSION_HEADER]: 'v1.new' } })
    const { fetch, calls } = fakeFetch(() => reply())
    const client = createProxyClient({
      baseUrl: PROXY,
      key: 'k',
      fetch,
      session: () => session,
      onSession: (next) => (seen.push(next), (session = next)),
    })
    await client.apply(change)
    expect(calls[0]?.headers.get(SESSION_HEADER)).toBe('v1.old')
    expect(session).toBe('v1.new')
    reply = () => Response.json({ error: { code: 'signin_required', message: 'Sign in.' } }, { status: 401 })
    await expect(client.apply(change)).rejects.toMatchObject({ code: 'signin_required' })
    expect(seen).toEqual(['v1.new', undefined])
  })
})
