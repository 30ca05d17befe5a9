import { describe, expect, it } from 'vitest'
import { createProxyClient } from '../../../plugin/src/api/createProxyClient.ts'
import { PluginError } from '../../../plugin/src/pluginError.ts'

const body = { spaceId: 1, storyId: 2, messages: [{ role: 'user' as const, content: 'hi' }] }
const sse = (text: string, status = 200) =>
  new Response(text, { status, headers: { 'content-type': 'text/event-stream' } })

/** A fetch that records its calls and answers with `reply` (the browser's fetch is an option, not a global we patch). */
function fakeFetch(reply: (init: RequestInit) => Response | Promise<Response>) {
  const calls: Array<{ url: string; init: RequestInit }> = []
  const fetch = (async (url: string | URL | Request, init: RequestInit = {}) => {
    calls.push({ url: String(url), init })
    return reply(init)
  }) as typeof globalThis.fetch
  return { fetch, calls }
}

async function collect(it: AsyncIterable<unknown>) {
  const out: unknown[] = []
  for await (const x of it) out.push(x)
  return out
}

describe('createProxyClient', () => {
  it('posts the conversation with the key and yields the typed events, skipping unknown ones', async () => {
    const { fetch, calls } = fakeFetch(() =>
      sse(
        'event: meta\ndata: {"requestId":"r1","modelId":"m"}\n\nevent: future\ndata: {}\n\nevent: text\ndata: {"delta":"Hi"}\n\nevent: done\ndata: {}\n\n',
      ),
    )
    const client = createProxyClient({ baseUrl: 'http://proxy.test/base', key: 'k1', fetch })
    const events = await collect(client.converse(body))
    expect(events).toEqual([
      { event: 'meta', data: { requestId: 'r1', modelId: 'm' } },
      { event: 'text', data: { delta: 'Hi' } },
      { event: 'done', data: {} },
    ])
    expect(calls[0]?.url).toBe('http://proxy.test/base/api/conversation')
    expect(new Headers(calls[0]?.init.headers).get('authorization')).toBe('Bearer k1')
    expect(JSON.parse(String(calls[0]?.init.body))).toEqual(body)
  })

  it('turns an SSE error event into a PluginError with code and hint', async () => {
    const { fetch } = fakeFetch(() =>
      sse(
        'event: text\ndata: {"delta":"a"}\n\nevent: error\ndata: {"code":"bedrock_throttled","message":"Busy","hint":"Wait","requestId":"r"}\n\n',
      ),
    )
    const err = await collect(createProxyClient({ baseUrl: 'http://p', key: 'k', fetch }).converse(body)).catch(
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(PluginError)
    const e = err as PluginError
    expect({ ...e, message: e.message }).toEqual({
      code: 'bedrock_throttled',
      message: 'Busy',
      hint: 'Wait',
      requestId: 'r',
      retryable: true,
    })
  })

  it('reports a stream that ends without done as truncated', async () => {
    const { fetch } = fakeFetch(() => sse('event: text\ndata: {"delta":"a"}\n\n'))
    const err = await collect(createProxyClient({ baseUrl: 'http://p', key: 'k', fetch }).converse(body)).catch(
      (e: unknown) => e,
    )
    expect((err as PluginError).code).toBe('bedrock_stream_truncated')
  })

  it('reads the error envelope of a failed request, including 409 conflicts', async () => {
    const { fetch } = fakeFetch(() =>
      Response.json(
        {
          error: { code: 'conflict', message: 'Changed', requestId: 'r' },
          conflicts: [{ blockUid: 'b', field: 'f', expected: 'a', actual: 'b' }],
        },
        { status: 409 },
      ),
    )
    const err = await createProxyClient({ baseUrl: 'http://p', key: 'k', fetch })
      .apply({ spaceId: 1, storyId: 2, changes: [{ blockUid: 'b', field: 'f', before: 'a', after: 'c' }] })
      .catch((e: unknown) => e)
    expect(err as PluginError).toMatchObject({
      code: 'conflict',
      status: 409,
      conflicts: [{ blockUid: 'b', field: 'f', expected: 'a', actual: 'b' }],
    })
  })

  it('describes an unreachable proxy as a network error with a hint', async () => {
    const fetch = (async () => {
      throw new TypeError('Failed to fetch')
    }) as typeof globalThis.fetch
    const err = await createProxyClient({ baseUrl: 'http://p', key: 'k', fetch })
      .undo({ spaceId: 1, storyId: 2, changes: [{ blockUid: 'b', field: 'f', before: 1, after: 2 }] })
      .catch((e: unknown) => e)
    expect(err as PluginError).toMatchObject({ code: 'network', hint: expect.stringContaining('proxyUrl') })
  })

  it('sends reason apply/undo and returns the result', async () => {
    const result = { storyId: 2, version: 'v', applied: [], undo: [] }
    const { fetch, calls } = fakeFetch(() => Response.json(result))
    const client = createProxyClient({ baseUrl: 'http://p', key: 'k', fetch })
    const changes = [{ blockUid: 'b', field: 'f', before: 'a', after: 'c' }]
    expect(await client.apply({ spaceId: 1, storyId: 2, changes })).toEqual(result)
    await client.undo({ spaceId: 1, storyId: 2, changes })
    expect(calls.map((c) => JSON.parse(String(c.init.body)).reason)).toEqual(['apply', 'undo'])
  })

  it('ends quietly when cancelled', async () => {
    const controller = new AbortController()
    const { fetch } = fakeFetch(
      (init) =>
        new Promise<Response>((_, reject) =>
          init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
        ),
    )
    const pending = collect(
      createProxyClient({ baseUrl: 'http://p', key: 'k', fetch }).converse(body, { signal: controller.signal }),
    )
    controller.abort()
    expect(await pending).toEqual([])
  })
})
