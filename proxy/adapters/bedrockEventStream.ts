import { eventStreamSerdeProvider } from '@smithy/core/event-streams'

type SerdeOptions = Parameters<typeof eventStreamSerdeProvider>[0]
type Marshaller = ReturnType<typeof eventStreamSerdeProvider>
type Message = { headers: Record<string, { type: string; value: unknown }>; body: Uint8Array }
type Deserializer = (event: Record<string, Message>) => Promise<unknown>

/**
 * The SDK's event-stream marshaller (frames, CRCs, exceptions unchanged) with a short path for the events that come
 * once per token — text and tool-input deltas, block stops: their JSON payload is parsed once and the known members
 * picked, instead of a walk through the SDK's schema reader (a large share of the proxy's own CPU per token). The
 * result is what the SDK yields (it drops unknown members too, e.g. Bedrock's `p` padding). Everything else —
 * exceptions, the once-per-answer events, deltas of other kinds, anything unexpected — takes the SDK's deserializer,
 * so errors keep their modelled types.
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

/** Members Bedrock may send on a per-token event besides the ones kept: the padding that hides the token length. */
const PADDING = 'p'

function plainEvent(type: string, message: Message, utf8: TextDecoder): Record<string, unknown> | undefined {
  if (type !== 'contentBlockDelta' && type !== 'contentBlockStop') return undefined
  if (message.headers[':message-type']?.value !== 'event') return undefined
  const contentType = message.headers[':content-type']?.value
  if (contentType !== undefined && contentType !== 'application/json') return undefined
  let payload: unknown
  try {
    payload = JSON.parse(utf8.decode(message.body))
  } catch {
    return undefined
  }
  if (!isPlainObject(payload)) return undefined
  const { contentBlockIndex, delta, [PADDING]: _padding, ...rest } = payload
  if (Object.keys(rest).length > 0) return undefined
  if (contentBlockIndex !== undefined && typeof contentBlockIndex !== 'number') return undefined
  const index = contentBlockIndex === undefined ? {} : { contentBlockIndex }
  if (type === 'contentBlockStop') return delta === undefined ? { contentBlockStop: index } : undefined
  if (!isPlainObject(delta)) return undefined
  const keys = Object.keys(delta)
  if (keys.length !== 1) return undefined
  if (typeof delta['text'] === 'string') return { contentBlockDelta: { ...index, delta: { text: delta['text'] } } }
  const toolUse = delta['toolUse']
  if (isPlainObject(toolUse) && typeof toolUse['input'] === 'string' && Object.keys(toolUse).length === 1)
    return { contentBlockDelta: { ...index, delta: { toolUse: { input: toolUse['input'] } } } }
  return undefined
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)
