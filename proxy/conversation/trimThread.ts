import { MAX_MESSAGE_CHARS, MAX_MESSAGES, type Notice, type WireMessage } from '../../shared/contract.ts'

export type TrimmedThread = { messages: WireMessage[]; notice?: Notice }

export type TrimOptions = {
  /** Turns Claude sees at most. @default MAX_MESSAGES */
  maxMessages?: number
  /** An older turn longer than this is shortened. @default MAX_MESSAGE_CHARS */
  maxChars?: number
  /** All turns together. @default 60_000 */
  maxTotalChars?: number
}

const SHORTENED = ' […]'
const LEFT_OUT = '(Earlier turns of this conversation were left out.)\n\n'

/**
 * The thread Claude sees: a long or long-running conversation goes on instead of failing. Older turns over the
 * length are shortened, the oldest are left out past the count or the total, turns of one role in a row (a request
 * whose answer failed) are joined, and the thread starts with the editor. The newest request stays whole.
 */
export function trimThread(
  thread: WireMessage[],
  { maxMessages = MAX_MESSAGES, maxChars = MAX_MESSAGE_CHARS, maxTotalChars = 60_000 }: TrimOptions = {},
): TrimmedThread {
  let shortened = 0
  const joined: WireMessage[] = []
  thread.forEach((m, i) => {
    const isNewest = i === thread.length - 1
    let content = m.content
    if (!isNewest && content.length > maxChars) {
      content = content.slice(0, maxChars - SHORTENED.length) + SHORTENED
      shortened++
    }
    const previous = joined.at(-1)
    if (previous?.role === m.role) previous.content = `${previous.content}\n\n${content}`
    else joined.push({ role: m.role, content })
  })
  let dropped = 0
  let total = joined.reduce((n, m) => n + m.content.length, 0)
  while (joined.length > 1 && (joined.length > maxMessages || total > maxTotalChars || joined[0]!.role !== 'user')) {
    total -= joined.shift()!.content.length
    dropped++
  }
  if (!dropped && !shortened) return { messages: joined }
  if (dropped) joined[0] = { ...joined[0]!, content: LEFT_OUT + joined[0]!.content }
  return {
    messages: joined,
    notice: {
      code: 'thread_trimmed',
      message: dropped
        ? `The ${dropped} oldest turn(s) of this conversation were left out so it can go on.`
        : 'Older turns of this conversation were shortened so it can go on.',
    },
  }
}
