export type ToolInputStream = {
  /** Feeds the next chunk of tool-input JSON; returns the `changes` elements completed by it. */
  push(chunk: string): unknown[]
  /** Everything received so far (parse it once at the end). */
  readonly input: string
}

/**
 * Incremental scanner over streamed tool-input JSON `{"changes":[{…},{…}],…}`: emits each element of the top-level
 * `changes` array as soon as its closing brace arrives. Each character is scanned once and each element parsed once,
 * so the work is linear in the input however it is chunked. Only the chunk is indexed (never a growing
 * concatenation, which V8 would flatten on every access).
 */
export function toolInputStream(): ToolInputStream {
  const chunks: string[] = []
  const stack: string[] = []
  let inString = false
  let escaped = false
  let expectingKey = false
  let key: string | undefined
  let keyParts: string[] | undefined
  let changesDepth = -1
  let itemParts: string[] | undefined

  function push(chunk: string): unknown[] {
    chunks.push(chunk)
    const out: unknown[] = []
    let itemFrom = 0
    let keyFrom = 0
    for (let j = 0; j < chunk.length; j++) {
      const c = chunk[j]
      if (inString) {
        if (escaped) escaped = false
        else if (c === '\\') escaped = true
        else if (c === '"') {
          inString = false
          if (keyParts) {
            keyParts.push(chunk.slice(keyFrom, j + 1))
            try {
              key = JSON.parse(keyParts.join('')) as string
            } catch {
              key = undefined
            }
            keyParts = undefined
          }
        }
        continue
      }
      switch (c) {
        case '"':
          inString = true
          if (stack.length === 1 && expectingKey) {
            keyParts = []
            keyFrom = j
          }
          break
        case '{':
        case '[':
          if (c === '{' && stack.length === changesDepth && !itemParts) {
            itemParts = []
            itemFrom = j
          }
          if (c === '[' && stack.length === 1 && !expectingKey && key === 'changes') changesDepth = 2
          stack.push(c)
          if (stack.length === 1) expectingKey = true
          break
        case '}':
        case ']':
          stack.pop()
          if (c === '}' && stack.length === changesDepth && itemParts) {
            itemParts.push(chunk.slice(itemFrom, j + 1))
            try {
              out.push(JSON.parse(itemParts.join('')))
            } catch {
              /* malformed element: the final parse reports it */
            }
            itemParts = undefined
          }
          if (c === ']' && stack.length === 1 && changesDepth === 2) changesDepth = -1
          break
        case ':':
          if (stack.length === 1) expectingKey = false
          break
        case ',':
          if (stack.length === 1) expectingKey = true
          break
      }
    }
    if (itemParts) itemParts.push(chunk.slice(itemFrom))
    if (keyParts) keyParts.push(chunk.slice(keyFrom))
    return out
  }

  return {
    push,
    get input() {
      const all = chunks.join('')
      chunks.length = 0
      chunks.push(all)
      return all
    },
  }
}
