import { eventStreamSerdeProvider } from '@smithy/core/event-streams'

type SerdeOptions = Parameters<typeof eventStreamSerdeProvider>[0]
type Marshaller = ReturnType<typeof eventStreamSerdeProvider>
type Message = { headers: Record<string, { type: string; value: unknown }>; body: Uint8Array }
type Deserializer = (event: Record<string, Message>) => Promise<unknown>

/** ConverseStream events whose payload is plain JSON in exactly the shape the SDK returns. */
const PLAIN_EVENTS: ReadonlySet<string> = new Set([
  'messageStart',
  'contentBlockStart',
  'contentBlockStop',
  'messageStop',
  'metadata',
])

/**
 * The SDK's event-stream marshaller (frames, CRCs, exceptions unchanged) with a short path for the events of every
 * answer: their JSON payload is parsed once instead of walked through the SDK's schema reader, the largest share of
 * the proxy's own CPU per streamed token. Everything else — exceptions, deltas other than text and tool input, events
 * this code does not know — still goes through the SDK's deserializer, so errors keep their modelled types.
 */
export function bedrockEventStreamSerde(options: SerdeOptions): Marshaller {
  const inner = eventStreamSerdeProvider(options)
  const utf8 = new TextDecoder()
  const deserialize: Marshaller['deserialize'] = (body, deserializer) => {
    const sdk = deserializer as unknown as Deserializer
    const fast: Deserializer = (event) => {
      const type = Object.keys(event)[0]
      const message = type === undefined ? undefined : event[type]
      const plain = type !== undefined && message ? plainEvent(type, message, utf8) : undefined
      return plain ? Promise.resolve(plain) : sdk(event)
    }
    return inner.deserialize(body, fast as unknown as typeof deserializer)
  }
  return { deserialize, serialize: (input, serializer) => inner.serialize(input, serializer) } as Marshaller
}

function plainEvent(type: string, message: Message, utf8: TextDecoder): Record<string, unknown> | undefined {
  if (message.headers[':message-type']?.value !== 'event') return undefined
  const contentType = message.headers[':content-type']?.value
  if (contentType !== undefined && contentType !== 'application/json') return undefined
  if (!PLAIN_EVENTS.has(type) && type !== 'contentBlockDelta') return undefined
  let payload: unknown
  try {
    payload = JSON.parse(utf8.decode(message.body))
  } catch {
    return undefined
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined
  if (type === 'contentBlockDelta') {
    // Reasoning deltas carry blobs the SDK decodes from base64: they take the SDK's path.
    const delta = (payload as { delta?: Record<string, unknown> }).delta
    const keys = delta && typeof delta === 'object' ? Object.keys(delta) : []
    if (keys.length !== 1 || (typeof delta?.['text'] !== 'string' && keys[0] !== 'toolUse')) return undefined
  }
  return { [type]: payload }
}
