import { describe, expect, it } from 'vitest'
import { AppError } from '../../../proxy/http/appError.ts'
import type { Storyblok, Story } from '../../../proxy/deps.ts'
import { runAsEditor, type EditorScope } from '../../../proxy/session/editorScope.ts'
import { editorStoryblok } from '../../../proxy/session/editorStoryblok.ts'

const story = (by: string): Story => ({
  id: 2,
  name: by,
  slug: 's',
  updated_at: 'now',
  content: { _uid: 'u', component: 'page' },
})

/** A port that answers with the name of the token it was built for, or fails as told. */
function fakePort(token: string, fail?: (token: string) => AppError | undefined, calls: string[] = []): Storyblok {
  const answer = async (name: string) => {
    calls.push(`${name}:${token}`)
    const err = fail?.(token)
    if (err) throw err
    return story(token)
  }
  return {
    getStory: () => answer('getStory'),
    getComponents: async () => [],
    updateStory: () => answer('updateStory'),
    listVersions: async () => ({ versions: [] }),
  } as unknown as Storyblok
}

const editor = (over: Partial<EditorScope> = {}): EditorScope => ({
  userId: 7,
  spaceId: 1,
  accessToken: 'tok-1',
  renew: async () => undefined,
  ...over,
})
const storyblokErr = (code: 'storyblok_unauthorized' | 'storyblok_forbidden') => new AppError({ code, message: code })

describe('editorStoryblok', () => {
  it('oauth mode: the editor’s token for everything, nothing without a sign-in', async () => {
    const sb = editorStoryblok({ mode: 'oauth', shared: fakePort('shared'), forToken: (t) => fakePort(t) })
    expect((await runAsEditor(editor(), () => sb.getStory(1, 2))).name).toBe('tok-1')
    await expect(sb.getStory(1, 2)).rejects.toMatchObject({ code: 'signin_required' })
  })

  it('both mode: reads fall back to the shared token, writes never do', async () => {
    const sb = editorStoryblok({ mode: 'both', shared: fakePort('shared'), forToken: (t) => fakePort(t) })
    expect((await sb.getStory(1, 2)).name).toBe('shared')
    await expect(sb.updateStory(1, 2, story('x').content)).rejects.toMatchObject({
      code: 'signin_required',
      message: expect.stringContaining('saved as you'),
    })
    expect((await runAsEditor(editor(), () => sb.updateStory(1, 2, story('x').content))).name).toBe('tok-1')
  })

  it('never sends a token granted for one space to another', async () => {
    const calls: string[] = []
    const sb = editorStoryblok({
      mode: 'oauth',
      shared: fakePort('shared'),
      forToken: (t) => fakePort(t, undefined, calls),
    })
    await expect(runAsEditor(editor(), () => sb.getStory(99, 2))).rejects.toMatchObject({ code: 'forbidden' })
    expect(calls).toEqual([])
  })

  it('a 401 renews the token once and retries; without a renewal it is signin_required', async () => {
    const calls: string[] = []
    const fail = (t: string) => (t === 'tok-1' ? storyblokErr('storyblok_unauthorized') : undefined)
    const sb = editorStoryblok({ mode: 'oauth', shared: fakePort('shared'), forToken: (t) => fakePort(t, fail, calls) })
    const scope = editor({ renew: async () => 'tok-2' })
    expect((await runAsEditor(scope, () => sb.getStory(1, 2))).name).toBe('tok-2')
    expect(calls).toEqual(['getStory:tok-1', 'getStory:tok-2'])
    await expect(runAsEditor(editor(), () => sb.getStory(1, 2))).rejects.toMatchObject({
      code: 'signin_required',
      status: 401,
    })
  })

  it("the editor's own 403 is theirs to read, not an operator's token problem", async () => {
    const sb = editorStoryblok({
      mode: 'oauth',
      shared: fakePort('shared'),
      forToken: (t) => fakePort(t, () => storyblokErr('storyblok_forbidden')),
    })
    await expect(runAsEditor(editor(), () => sb.updateStory(1, 2, story('x').content))).rejects.toMatchObject({
      code: 'storyblok_forbidden',
      status: 403,
      message: "You don't have permission to change this story in Storyblok.",
      details: { permission: { action: 'change' } },
    })
  })
})

describe('createStoryReads with sign-ins', () => {
  it('shares a read between turns of one editor, never between editors', async () => {
    const { createStoryReads } = await import('../../../proxy/conversation/createStoryReads.ts')
    const calls: string[] = []
    const reads = createStoryReads({
      storyblok: { getStory: async () => (calls.push('get'), story(String(calls.length))) },
      clock: { now: () => 0 },
      ttlMs: 10_000,
    })
    const signal = new AbortController().signal
    const asErika = (await runAsEditor(editor({ userId: 1 }), () => reads.get(1, 2, signal))).name
    expect((await runAsEditor(editor({ userId: 1 }), () => reads.get(1, 2, signal))).name).toBe(asErika)
    expect((await runAsEditor(editor({ userId: 2 }), () => reads.get(1, 2, signal))).name).not.toBe(asErika)
    expect(calls).toHaveLength(2)
  })
})
