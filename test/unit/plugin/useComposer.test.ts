import { describe, expect, it } from 'vitest'
import { effectScope, nextTick, shallowRef } from 'vue'
import { useComposer, type Pending } from '../../../plugin/src/composer/useComposer.ts'
import type { Voice, VoiceStatus } from '../../../plugin/speech/useVoice.ts'

/** A voice that does what the test says: the edges of useVoice, not a mock of the composer. */
function fakeVoice() {
  const status = shallowRef<VoiceStatus>('idle')
  const transcript = shallowRef('')
  const isFinal = shallowRef(false)
  const via = shallowRef<'inline' | 'recorder' | undefined>()
  const calls: string[] = []
  const voice: Voice = {
    isSupported: shallowRef(true),
    status,
    level: shallowRef(0),
    transcript,
    isFinal,
    error: shallowRef(undefined),
    via,
    async start(mode) {
      calls.push(`start:${mode}`)
      transcript.value = ''
      isFinal.value = false
      status.value = 'listening'
    },
    async stop() {
      calls.push('stop')
      status.value = 'idle'
    },
    async retry() {},
    cancel() {
      calls.push('cancel')
      status.value = 'idle'
    },
    showRecorder() {},
  }
  const say = async (words: string) => {
    transcript.value = words
    await nextTick()
  }
  const finish = async () => {
    status.value = 'idle'
    isFinal.value = true
    await nextTick()
  }
  return { voice, calls, say, finish }
}

function setup({ interpret }: { interpret?: (s: string) => Pending | undefined } = {}) {
  const fake = fakeVoice()
  const sent: string[] = []
  const timers: Array<() => void> = []
  let clock = 0
  const scope = effectScope()
  const composer = scope.run(() =>
    useComposer({
      voice: fake.voice,
      send: (t) => sent.push(t),
      maxChars: 50,
      ...(interpret ? { interpret } : {}),
      now: () => clock,
      countdown: { seconds: 2, setTimeout: (fn) => timers.push(fn), clearTimeout: () => timers.splice(0) },
    }),
  )!
  const tick = () => timers.shift()?.()
  return { ...fake, composer, sent, tick, advance: (ms: number) => (clock += ms), scope }
}

describe('useComposer: one request box for voice and keys', () => {
  it('fills the box with partials, and a release sends after the countdown', async () => {
    const t = setup()
    t.composer.holdStart()
    await t.say('Write a')
    expect(t.composer.text.value).toBe('Write a')
    await t.say('Write a headline')
    t.advance(2000)
    t.composer.holdEnd()
    expect(t.calls).toEqual(['start:push', 'stop'])
    await t.finish()
    expect(t.composer.pending.value).toEqual({ type: 'send', text: 'Write a headline' })
    expect(t.composer.remaining.value).toBe(2)
    t.tick()
    expect(t.composer.remaining.value).toBe(1)
    expect(t.sent).toEqual([])
    t.tick()
    expect(t.sent).toEqual(['Write a headline'])
    expect(t.composer.text.value).toBe('')
  })

  it('keep editing stops the send and leaves the words in the box', async () => {
    const t = setup()
    t.composer.toggleHandsFree()
    await t.say('Shorter please')
    await t.finish()
    t.composer.keepEditing()
    t.tick()
    t.tick()
    expect(t.sent).toEqual([])
    expect(t.composer.pending.value).toBeUndefined()
    expect(t.composer.text.value).toBe('Shorter please')
  })

  it('a click on the hold button cancels and explains how to use it', async () => {
    const t = setup()
    t.composer.holdStart()
    t.advance(80)
    t.composer.holdEnd()
    expect(t.calls).toEqual(['start:push', 'cancel'])
    expect(t.composer.hint.value).toBe('wrongUse')
  })

  it('speech continues what was typed, and typing while a countdown runs stops it', async () => {
    const t = setup()
    t.composer.edit('Please:')
    t.composer.toggleHandsFree()
    await t.say('shorten it')
    expect(t.composer.text.value).toBe('Please: shorten it')
    await t.finish()
    expect(t.composer.pending.value?.type).toBe('send')
    t.composer.edit('Please: shorten the hero')
    expect(t.composer.pending.value).toBeUndefined()
    t.composer.submit()
    expect(t.sent).toEqual(['Please: shorten the hero'])
  })

  it('a spoken command is confirmed by countdown and runs instead of being sent', async () => {
    let ran = 0
    const t = setup({
      interpret: (s) => (s === 'undo' ? { type: 'command', summary: 'undo', run: () => ran++ } : undefined),
    })
    t.composer.toggleHandsFree()
    await t.say('undo')
    await t.finish()
    expect(t.composer.pending.value?.summary).toBe('undo')
    t.tick()
    t.tick()
    expect(ran).toBe(1)
    expect(t.sent).toEqual([])
  })

  it('never sends a request longer than the limit, and says nothing was heard on silence', async () => {
    const t = setup()
    t.composer.edit('x'.repeat(51))
    expect(t.composer.tooLong.value).toBe(true)
    t.composer.submit()
    expect(t.sent).toEqual([])
    t.composer.edit('')
    t.composer.toggleHandsFree()
    await t.finish()
    expect(t.composer.hint.value).toBe('nothingHeard')
    expect(t.composer.pending.value).toBeUndefined()
  })
})
