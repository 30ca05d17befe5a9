import { AppError, isAppError } from '../http/appError.ts'
import type { Storyblok } from '../deps.ts'
import type { AuthMode } from '../loadConfig.ts'
import { BoundedMap } from '../boundedMap.ts'
import { signinRequired } from '../adapters/storyblokOAuth.ts'
import { currentEditor } from './editorScope.ts'

/** Port methods that change content: never run on the shared token outside AUTH_MODE=shared-token. */
const WRITES = new Set<string>(['updateStory'])

export type EditorStoryblokOptions = {
  mode: Exclude<AuthMode, 'shared-token'>
  /** The shared-token port (AUTH_MODE=both reads without a sign-in); unused in oauth mode. */
  shared: Storyblok
  /** A port that sends this editor's OAuth access token (`Bearer`). */
  forToken(accessToken: string): Storyblok
}

/**
 * The Storyblok port that speaks as the signed-in editor (see editorScope.ts): Storyblok's own permissions decide
 * what they may read and change. Without a sign-in, oauth mode refuses everything and both mode only reads.
 * Forwards every method of the port by name, so methods added to it later are covered too.
 */
export function editorStoryblok({ mode, shared, forToken }: EditorStoryblokOptions): Storyblok {
  // One adapter per live access token (~15 min each); bounded, since every refresh brings a new one.
  const ports = new BoundedMap<string, Storyblok>(256)
  const portFor = (token: string) => {
    let port = ports.get(token)
    if (!port) ports.set(token, (port = forToken(token)))
    return port
  }
  const call = async (name: string, args: unknown[]): Promise<unknown> => {
    const editor = currentEditor()
    if (!editor) {
      if (mode === 'oauth' || WRITES.has(name)) throw signInFirst(WRITES.has(name))
      return (shared as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[name]?.(...args)
    }
    type Port = Record<string, (...a: unknown[]) => Promise<unknown>>
    const attempt = (token: string) => (portFor(token) as unknown as Port)[name]?.(...args)
    try {
      try {
        return await attempt(editor.accessToken)
      } catch (err) {
        // A 401 proves nothing was written: one retry with a renewed token, then the editor must sign in again.
        if (!isAppError(err) || err.code !== 'storyblok_unauthorized') throw err
        const renewed = await editor.renew()
        if (!renewed) throw signinRequired(err)
        return await attempt(renewed)
      }
    } catch (err) {
      if (isAppError(err) && err.code === 'storyblok_unauthorized') throw signinRequired(err)
      if (isAppError(err) && err.code === 'storyblok_forbidden') throw noPermission(WRITES.has(name), err)
      throw err
    }
  }
  return new Proxy(shared, {
    get(target, name) {
      const own = Reflect.get(target, name) as unknown
      if (typeof name !== 'string' || typeof own !== 'function') return own
      return (...args: unknown[]) => call(name, args)
    },
  })
}

function signInFirst(write: boolean): AppError {
  return new AppError({
    code: 'signin_required',
    message: write
      ? 'Changes are saved as you: sign in with Storyblok first.'
      : 'Sign in with Storyblok so the assistant can read this story as you.',
  })
}

/** An editor's own role said no. Shown to them as it is, not as an operator's token problem. */
export function noPermission(write: boolean, cause?: unknown, target?: { story?: string; contentType?: string }) {
  const what = target?.story ? `“${target.story}”` : 'this story'
  return new AppError({
    code: 'storyblok_forbidden',
    status: 403,
    message: write
      ? `You don't have permission to change ${what} in Storyblok.`
      : `You don't have permission to read ${what} in Storyblok.`,
    hint: 'Your Storyblok role decides what you may change; ask a space admin if you need access.',
    details: { permission: { action: write ? 'change' : 'read', ...(target ?? {}) } },
    cause,
  })
}
