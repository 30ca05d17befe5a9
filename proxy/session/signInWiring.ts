import type { Deps, Storyblok } from '../deps.ts'
import { createEditorSessions, type EditorSessions } from './editorSessions.ts'
import { editorStoryblok } from './editorStoryblok.ts'
import type { StoryblokOAuth } from './storyblokOAuthPort.ts'

export type SignInWiring = { sessions?: EditorSessions; oauth?: StoryblokOAuth; storyblok?: Storyblok }

/** AUTH_MODE oauth/both: the session reader and the editor-aware Storyblok port; nothing for shared-token. */
export function signInWiring(deps: Deps): SignInWiring {
  const { config, storyblokOAuth, storyblokAs, clock, log } = deps
  const mode = config.auth.mode
  if (mode === 'shared-token' || !storyblokOAuth || !storyblokAs || !config.auth.sessionSecret) return {}
  return {
    oauth: storyblokOAuth,
    sessions: createEditorSessions({
      secret: config.auth.sessionSecret,
      ttlMs: config.auth.sessionTtlMs,
      oauth: storyblokOAuth,
      clock,
      log,
    }),
    storyblok: editorStoryblok({ mode, shared: deps.storyblok, forToken: storyblokAs }),
  }
}
