import { describe, expect, it } from 'vitest'
import type { WireMessage } from '../../../shared/contract.ts'
import { trimThread } from '../../../proxy/conversation/trimThread.ts'

const turns = (n: number): WireMessage[] =>
  Array.from({ length: n }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: `turn ${i + 1}` }))

describe('trimThread: long threads go on instead of failing', () => {
  it('leaves a short thread exactly as it is, with no notice', () => {
    expect(trimThread(turns(5))).toEqual({ messages: turns(5) })
  })

  it('keeps the newest turns of a 25-turn thread, starting with the editor, and says so', () => {
    const { messages, notice } = trimThread(turns(49), { maxMessages: 40 })
    expect(messages).toHaveLength(39)
    expect(messages[0]!.role).toBe('user')
    expect(messages.at(-1)).toEqual({ role: 'user', content: 'turn 49' })
    expect(messages[0]!.content).toMatch(/^\(Earlier turns of this conversation were left out\.\)\n\nturn 11$/)
    expect(notice).toMatchObject({ code: 'thread_trimmed' })
    expect(notice!.message).toContain('10 oldest')
  })

  it('shortens an older over-long prompt but never the newest request', () => {
    const thread: WireMessage[] = [
      { role: 'user', content: 'x'.repeat(9000) },
      { role: 'assistant', content: 'ok' },
      { role: 'user', content: 'y'.repeat(8000) },
    ]
    const { messages, notice } = trimThread(thread, { maxChars: 8000 })
    expect(messages[0]!.content).toHaveLength(8000)
    expect(messages[0]!.content.endsWith(' […]')).toBe(true)
    expect(messages[2]!.content).toBe('y'.repeat(8000))
    expect(notice?.code).toBe('thread_trimmed')
  })

  it('joins turns of one role in a row (a request whose answer failed), so roles alternate', () => {
    const thread: WireMessage[] = [
      { role: 'user', content: 'first try' },
      { role: 'user', content: 'second try' },
    ]
    expect(trimThread(thread).messages).toEqual([{ role: 'user', content: 'first try\n\nsecond try' }])
  })

  it('leaves out the oldest turns past the total length', () => {
    const thread: WireMessage[] = [
      { role: 'user', content: 'a'.repeat(500) },
      { role: 'assistant', content: 'b'.repeat(500) },
      { role: 'user', content: 'c'.repeat(100) },
    ]
    const { messages } = trimThread(thread, { maxTotalChars: 700 })
    expect(messages).toHaveLength(1)
    expect(messages[0]!.content.endsWith('c'.repeat(100))).toBe(true)
  })
})
