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

function fakeFetch(reply: (url: string) => Response) {
  const calls: Array<{ url: string; headers: Headers; method: string }> = []
  const fetch = (async (url: string | URL, init: RequestInit = {}) => {
    calls.push({ url: String(url), headers: new Headers(init.headers), method: init.method ?? 'GET' })
    return reply(String(url))
  }) as typeof globalThis.fetch
  return { fetch, calls }
}

/** The wiring of AssistantPanel: the client sends the session useSignIn holds. */
function wired(reply: (url: string) => Response, windowOptions?: { blocked?: boolean }) {
  const w = fakeWindow(windowOptions)
  const { fetch, calls } = fakeFetch(reply)
  const signIn = useSignIn({ proxyUrl: PROXY, spaceId: 1, window: w.win })
  const client = createProxyClient({
    baseUrl: PROXY,
    key: 'k',
    fetch,
    session: signIn.session,
    onSession: signIn.sessionChanged,
  })
  return { ...w, signIn, client, calls }
}

describe('useSignIn', () => {
  it('learns the mode, opens the window on the proxy origin and takes the session only from it', async () => {
    const { signIn, client, opened, post, popup, listeners } = wired(() =>
      Response.json({ mode: 'oauth', editor: null }),
    )
    await signIn.connect(client)
    expect(signIn.mode.value).toBe('oauth')
    signIn.signIn()
    expect(opened[0]).toBe(`${PROXY}/auth/login?origin=https%3A%2F%2Fplugins.storyblok.com&space_id=1`)
    post({ type: 'sva-signin', session: 'v1.forged', editor: EDITOR }, { origin: 'https://evil.test' })
    post({ type: 'sva-signin', session: 'v1.forged', editor: EDITOR }, { source: {} })
    post({ type: 'sva-signin', error: { code: 'signin_failed', message: 'Cancelled.' } })
    expect(signIn.session()).toBeUndefined()
    post({ type: 'sva-signin', session: 'v1.sealed', editor: EDITOR }, { source: popup })
    expect(signIn.session()).toBe('v1.sealed')
    expect(signIn.editor.value).toEqual(EDITOR)
    expect(listeners.size).toBe(0)
  })

  it('says when the popup was blocked, and treats an older proxy as shared-token', async () => {
    const { signIn, client } = wired(() => new Response('Not found', { status: 404 }), { blocked: true })
    await signIn.connect(client)
    expect(signIn.mode.value).toBe('shared-token')
    signIn.signIn()
    expect(signIn.blocked.value).toBe(true)
  })

  it('a second click listens to the new window only', () => {
    const { signIn, listeners } = wired(() => Response.json({}))
    signIn.signIn()
    signIn.signIn()
    expect(listeners.size).toBe(1)
  })

  it('signs out at the proxy with the session and forgets it', async () => {
    const { signIn, client, calls, post, popup } = wired(() => Response.json({ signedOut: true }))
    await signIn.connect(client)
    signIn.signIn()
    post({ type: 'sva-signin', session: 'v1.sealed', editor: EDITOR }, { source: popup })
    signIn.signOut()
    expect(calls.at(-1)).toMatchObject({ url: `${PROXY}/auth/logout`, method: 'POST' })
    expect(calls.at(-1)?.headers.get(SESSION_HEADER)).toBe('v1.sealed')
    expect(signIn.session()).toBeUndefined()
    expect(signIn.editor.value).toBeUndefined()
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
