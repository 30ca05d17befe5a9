import { describe, expect, it } from 'vitest'
import { ConfigError, DEFAULT_OAUTH_URL, describeConfig, loadConfig } from '../../../proxy/loadConfig.ts'

const base = { PROXY_API_KEYS: 'k'.repeat(24) }
const oauth = {
  ...base,
  AUTH_MODE: 'oauth',
  STORYBLOK_OAUTH_CLIENT_ID: 'client-id-123',
  STORYBLOK_OAUTH_CLIENT_SECRET: 'client-secret-abcdefghijklmnop',
  STORYBLOK_OAUTH_REDIRECT_URI: 'https://assistant.example.com/auth/callback',
  SESSION_SECRET: 's'.repeat(40),
}

function issuesOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env)
  } catch (err) {
    if (err instanceof ConfigError) return err.issues
    throw err
  }
  throw new Error('expected a ConfigError')
}

describe('AUTH_MODE', () => {
  it('defaults to the shared token, as before', () => {
    expect(loadConfig(base).auth).toEqual({ mode: 'shared-token', sessionTtlMs: 14_400_000 })
  })

  it('oauth: client, redirect URI and session secret, with Storyblok’s endpoints by default', () => {
    const c = loadConfig(oauth)
    expect(c.auth).toMatchObject({
      mode: 'oauth',
      oauth: {
        clientId: 'client-id-123',
        redirectUri: 'https://assistant.example.com/auth/callback',
        baseUrl: DEFAULT_OAUTH_URL,
        scope: 'read_content write_content',
      },
    })
    expect(DEFAULT_OAUTH_URL).toBe('https://app.storyblok.com/oauth')
    const shown = JSON.stringify(describeConfig(c))
    expect(shown).toContain('"authMode":"oauth"')
    expect(shown).not.toContain('client-secret-abcdefghijklmnop')
    expect(shown).not.toContain('s'.repeat(40))
  })

  it('lists everything oauth mode is missing at once, without echoing secrets', () => {
    const issues = issuesOf({ ...base, AUTH_MODE: 'both', SESSION_SECRET: 'short-secret' })
    expect(issues.join('\n')).toContain('STORYBLOK_OAUTH_CLIENT_ID is required with AUTH_MODE=both')
    expect(issues.join('\n')).toContain('STORYBLOK_OAUTH_CLIENT_SECRET is required')
    expect(issues.join('\n')).toContain('STORYBLOK_OAUTH_REDIRECT_URI is required')
    expect(issues.join('\n')).toContain('SESSION_SECRET is required with AUTH_MODE=both: at least 32 characters')
    expect(issues.join('\n')).not.toContain('short-secret')
  })

  it('oauth mode has no shared token; both keeps it for reads', () => {
    expect(issuesOf({ ...oauth, STORYBLOK_TOKEN: 'pat' }).join('\n')).toContain('AUTH_MODE=oauth writes only')
    expect(loadConfig({ ...oauth, AUTH_MODE: 'both', STORYBLOK_TOKEN: 'pat' }).storyblok.token?.kind).toBe('personal')
  })

  it('the redirect URI is this proxy’s /auth/callback over https (http only on localhost)', () => {
    expect(issuesOf({ ...oauth, STORYBLOK_OAUTH_REDIRECT_URI: 'https://a.example.com/cb' }).join('\n')).toContain(
      '/auth/callback',
    )
    expect(
      issuesOf({ ...oauth, STORYBLOK_OAUTH_REDIRECT_URI: 'http://a.example.com/auth/callback' }).join('\n'),
    ).toContain('must use https')
    expect(
      loadConfig({ ...oauth, STORYBLOK_OAUTH_REDIRECT_URI: 'http://127.0.0.1:8000/auth/callback' }).auth.mode,
    ).toBe('oauth')
    expect(issuesOf({ ...oauth, AUTH_MODE: 'sso' }).join('\n')).toContain('AUTH_MODE must be one of')
  })
})
