import { describe, expect, it } from 'vitest'
import { createSseParser, readSse } from '../../../plugin/src/api/readSse.ts'

const collect = (chunks: string[]) => {
  const p = createSseParser()
  return [...chunks.flatMap((c) => p.push(c)), ...p.end()]
}

describe('createSseParser', () => {
  it('parses named events with JSON data', () => {
    expect(collect(['event: text\ndata: {"delta":"Hi"}\n\n'])).toEqual([{ event: 'text', data: '{"delta":"Hi"}' }])
  })

  it('gives the same events whatever the chunking, including CRLF split between chunks', () => {
    const stream = 'event: meta\r\ndata: {"a":1}\r\n\r\n: keep-alive\r\n\r\nevent: text\r\ndata: x\r\n\r\n'
    const whole = collect([stream])
    const byChar = collect(stream.split(''))
    expect(whole).toEqual([
      { event: 'meta', data: '{"a":1}' },
      { event: 'text', data: 'x' },
    ])
    expect(byChar).toEqual(whole)
  })

  it('joins multi-line data, defaults the event name and strips only one leading space', () => {
    expect(collect(['data:  two\ndata:three\n\n'])).toEqual([{ event: 'message', data: ' two\nthree' }])
  })

  it('ignores comments and empty events, and drops an unterminated last event', () => {
    expect(collect([': hello\n\nevent: x\n\nevent: text\ndata: cut'])).toEqual([])
  })

  it('keeps the last id', () => {
    expect(collect(['id: 7\ndata: a\n\n'])).toEqual([{ event: 'message', data: 'a', id: '7' }])
  })
})

describe('readSse', () => {
  it('reads events from a byte stream split inside a multi-byte character', async () => {
    const bytes = new TextEncoder().encode('event: text\ndata: {"delta":"Grüße"}\n\n')
    const cut = bytes.indexOf(0xc3) + 1
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(bytes.slice(0, cut))
        c.enqueue(bytes.slice(cut))
        c.close()
      },
    })
    const out = []
    for await (const m of readSse(body)) out.push(m)
    expect(out).toEqual([{ event: 'text', data: '{"delta":"Grüße"}' }])
  })
})
