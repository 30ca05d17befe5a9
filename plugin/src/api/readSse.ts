/** One server-sent event as it arrived: the `event` name (default "message") and its joined `data` lines. */
export type SseMessage = { event: string; data: string; id?: string }

/**
 * Incremental parser for the text/event-stream format (WHATWG HTML §9.2.6). Pure: feed it decoded text in any chunking,
 * get back the complete events. We read SSE over a fetch body because the conversation is a POST (no EventSource).
 */
export function createSseParser() {
  let buffer = ''
  let event = ''
  let data: string[] = []
  let id: string | undefined
  let sawField = false

  function dispatch(out: SseMessage[]) {
    if (data.length > 0)
      out.push({ event: event || 'message', data: data.join('\n'), ...(id !== undefined ? { id } : {}) })
    event = ''
    data = []
    sawField = false
  }

  function line(text: string, out: SseMessage[]) {
    if (text === '') return dispatch(out)
    if (text.startsWith(':')) return
    const colon = text.indexOf(':')
    const name = colon === -1 ? text : text.slice(0, colon)
    let value = colon === -1 ? '' : text.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    sawField = true
    if (name === 'event') event = value
    else if (name === 'data') data.push(value)
    else if (name === 'id' && !value.includes('\0')) id = value
  }

  return {
    /** Adds text; returns the events completed by it. A trailing "\r" is held back in case "\n" follows. */
    push(text: string): SseMessage[] {
      buffer += text
      const out: SseMessage[] = []
      for (;;) {
        const match = /\r\n|\r|\n/.exec(buffer)
        if (!match) break
        if (match[0] === '\r' && match.index === buffer.length - 1) break
        line(buffer.slice(0, match.index), out)
        buffer = buffer.slice(match.index + match[0].length)
      }
      return out
    },
    /** End of stream: an unterminated event is discarded, as the spec says. */
    end(): SseMessage[] {
      buffer = ''
      if (sawField) {
        event = ''
        data = []
        sawField = false
      }
      return []
    },
  }
}

/** Reads a fetch body as SSE messages until it ends or `signal` aborts. */
export async function* readSse(
  body: ReadableStream<Uint8Array>,
  { signal }: { signal?: AbortSignal } = {},
): AsyncGenerator<SseMessage> {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  const parser = createSseParser()
  const onAbort = () => {
    void reader.cancel().catch(() => undefined)
  }
  signal?.addEventListener('abort', onAbort, { once: true })
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      yield* parser.push(decoder.decode(value, { stream: true }))
    }
    yield* parser.push(decoder.decode())
    parser.end()
  } finally {
    signal?.removeEventListener('abort', onAbort)
    reader.releaseLock()
  }
}
