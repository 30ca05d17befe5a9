/** Reads a text/event-stream body into `{ event, data }` records (test helper; the plugin has its own parser). */
export type SseRecord = { event: string; data: any }

export async function readSse(res: Response, onEvent?: (e: SseRecord) => void): Promise<SseRecord[]> {
  const out: SseRecord[] = []
  const decoder = new TextDecoder()
  let buffer = ''
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true })
    let sep: number
    while ((sep = buffer.indexOf('\n\n')) !== -1) {
      const block = buffer.slice(0, sep)
      buffer = buffer.slice(sep + 2)
      let event = 'message'
      const data: string[] = []
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim()
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''))
      }
      const record = { event, data: data.length ? JSON.parse(data.join('\n')) : undefined }
      out.push(record)
      onEvent?.(record)
    }
  }
  return out
}
