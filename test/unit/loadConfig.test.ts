import { describe, expect, it } from 'vitest'
import { ConfigError, DEFAULT_MODEL_ID, describeConfig, loadConfig, SEED_MODEL_ID } from '../../proxy/loadConfig.ts'

const KEY = 'k'.repeat(24)
const base = { PROXY_API_KEYS: KEY }

function issuesOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env)
  } catch (err) {
    if (err instanceof ConfigError) return err.issues
    throw err
  }
  throw new Error('expected a ConfigError')
}

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const c = loadConfig(base, { version: '9.9.9' })
    expect(c.port).toBe(8000)
    expect(c.aws.region).toBe('us-east-1')
    expect(c.bedrock.modelId).toBe(DEFAULT_MODEL_ID)
    expect(DEFAULT_MODEL_ID).toBe('us.anthropic.claude-sonnet-4-6')
    expect(c.bedrock.maxTokens).toBe(2048)
    expect(c.debug).toBe(false)
    expect(c.logLevel).toBe('info')
    // Unset means production: Storyblok's plugin host only, no localhost playground origins.
    expect(c.access.allowedOrigins).toEqual(['https://plugins.storyblok.com'])
    expect(c.service.version).toBe('9.9.9')
  })

  it('reports every problem at once', () => {
    const issues = issuesOf({
      PORT: 'eighty',
      BEDROCK_MAX_TOKENS: '0',
      LOG_LEVEL: 'loud',
      DEBUG: 'maybe',
      AWS_REGION: 'mars',
      PROXY_API_KEYS: KEY,
    })
    expect(issues).toHaveLength(5)
    expect(issues.join('\n')).toMatch(/PORT must be a whole number/)
    expect(issues.join('\n')).toMatch(/BEDROCK_MAX_TOKENS must be at least 1/)
    expect(issues.join('\n')).toMatch(/LOG_LEVEL must be one of/)
    expect(issues.join('\n')).toMatch(/DEBUG must be true or false/)
    expect(issues.join('\n')).toMatch(/AWS_REGION must look like us-east-1/)
  })

  it('rejects the seed model id and names the inference profile to use', () => {
    const [issue] = issuesOf({ ...base, BEDROCK_MODEL_ID: SEED_MODEL_ID })
    expect(issue).toContain('is not a real Bedrock model id')
    expect(issue).toContain(DEFAULT_MODEL_ID)
  })

  it('keeps the previous default model id working', () => {
    const id = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0'
    expect(loadConfig({ ...base, BEDROCK_MODEL_ID: id }).bedrock.modelId).toBe(id)
  })

  it('takes BEDROCK_MODEL_FAMILY for an id that does not name its model, and names the families it knows', () => {
    const arn = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5'
    const c = loadConfig({ ...base, BEDROCK_MODEL_ID: arn, BEDROCK_MODEL_FAMILY: 'Claude-Sonnet-4-6' })
    expect(c.bedrock).toMatchObject({ modelId: arn, modelFamily: 'claude-sonnet-4-6' })
    expect(describeConfig(c)).toMatchObject({ modelFamily: 'claude-sonnet-4-6' })
    expect(describeConfig(loadConfig({ ...base, BEDROCK_MODEL_ID: arn }))).toMatchObject({ modelFamily: 'unknown' })
    expect(describeConfig(loadConfig(base))).toMatchObject({ modelFamily: 'claude-sonnet-4-6' })
    const [issue] = issuesOf({ ...base, BEDROCK_MODEL_FAMILY: 'gpt-5' })
    expect(issue).toMatch(/BEDROCK_MODEL_FAMILY must be one of .*claude-sonnet-4-6/)
  })

  it('treats other model ids as opaque', () => {
    expect(loadConfig({ ...base, BEDROCK_MODEL_ID: 'anthropic.claude-sonnet-4-6' }).bedrock.modelId).toBe(
      'anthropic.claude-sonnet-4-6',
    )
  })

  it('requires proxy keys and explains where they come from', () => {
    expect(issuesOf({})).toEqual([expect.stringContaining('PROXY_API_KEYS is required')])
  })

  it('parses key@space bindings, merging repeated keys', () => {
    const other = 'z'.repeat(20)
    const c = loadConfig({ PROXY_API_KEYS: `${KEY}@1, ${KEY}@2,${other}` })
    expect(c.access.apiKeys).toEqual([
      { key: KEY, id: 'key1', spaces: [1, 2] },
      { key: other, id: 'key2', spaces: 'all' },
    ])
  })

  it('never echoes secret values in its messages', () => {
    const secret = 'short@notanumber'
    const issues = issuesOf({
      PROXY_API_KEYS: secret,
      STORYBLOK_TOKEN: 'a',
      STORYBLOK_OAUTH_TOKEN: 'supersecret-oauth',
    })
    const text = issues.join('\n')
    expect(text).not.toContain('short')
    expect(text).not.toContain('supersecret-oauth')
    expect(text).toMatch(/Set only one of STORYBLOK_TOKEN/)
  })

  it('refuses a wildcard origin', () => {
    expect(issuesOf({ ...base, ALLOWED_ORIGINS: '*' }).join()).toMatch(/exact origins/)
  })

  it('shows secrets only as set in the boot summary', () => {
    const c = loadConfig({ ...base, STORYBLOK_TOKEN: 'pat-value-123456' })
    const summary = JSON.stringify(describeConfig(c))
    expect(summary).not.toContain('pat-value-123456')
    expect(summary).not.toContain(KEY)
    expect(summary).toContain('set (personal)')
  })

  it('keeps shared state in process unless REDIS_URL is set, and never shows its auth token', () => {
    expect(loadConfig(base).sharedState).toEqual({ commandTimeoutMs: 500 })
    expect(loadConfig(base).storyblok.requestsPerSecond).toBe(6)
    const url = 'rediss://:auth-token-value-123@cache.example.internal:6379'
    const c = loadConfig({ ...base, REDIS_URL: url, STORYBLOK_RATE_LIMIT_PER_SECOND: '3' })
    expect(c.sharedState).toEqual({ redisUrl: url, commandTimeoutMs: 500 })
    expect(c.storyblok.requestsPerSecond).toBe(3)
    const summary = JSON.stringify(describeConfig(c))
    expect(summary).not.toContain('auth-token-value-123')
    expect(summary).toContain('redis (rediss://cache.example.internal:6379)')
    expect(issuesOf({ ...base, REDIS_URL: 'http://cache:6379' }).join()).toMatch(/REDIS_URL must look like rediss:/)
  })

  it('normalises the Storyblok API override', () => {
    expect(loadConfig({ ...base, STORYBLOK_API_URL: 'http://127.0.0.1:9/v1/' }).storyblok.apiUrl).toBe(
      'http://127.0.0.1:9',
    )
  })

  it('requires CHANGE_SIGNING_SECRET in production, generates one elsewhere, and reads a rotation list', () => {
    expect(issuesOf({ ...base, NODE_ENV: 'production' })).toEqual([
      expect.stringContaining('CHANGE_SIGNING_SECRET is required'),
    ])
    expect(issuesOf({ ...base, CHANGE_SIGNING_SECRET: 'too-short' })).toEqual([
      expect.stringContaining('at least 32 printable characters'),
    ])
    const dev = loadConfig(base)
    expect(dev.authority.signingSecretGenerated).toBe(true)
    expect(dev.authority.signingSecrets).toEqual([expect.stringMatching(/^[0-9a-f]{64}$/)])
    expect(loadConfig(base).authority.signingSecrets).not.toEqual(dev.authority.signingSecrets)
    const [a, b] = ['a'.repeat(32), 'b'.repeat(40)]
    const prod = loadConfig({ ...base, NODE_ENV: 'production', CHANGE_SIGNING_SECRET: `${a}, ${b}` })
    expect(prod.authority).toMatchObject({ signingSecrets: [a, b], signingSecretGenerated: false, allowPublish: false })
    expect(JSON.stringify(describeConfig(prod))).not.toContain(a)
  })

  it('reads ALLOW_PUBLISH, PLUGIN_FIELD_TYPE, STYLE_GUIDE_FOLDER and PUBLIC_URL', () => {
    const c = loadConfig({
      ...base,
      ALLOW_PUBLISH: 'true',
      PLUGIN_FIELD_TYPE: 'my-voice',
      STYLE_GUIDE_FOLDER: '/brand/',
      PUBLIC_URL: 'https://voice.example.com/',
    })
    expect(c.authority).toMatchObject({ allowPublish: true, pluginFieldType: 'my-voice' })
    expect(c.storyblok.styleGuideFolder).toBe('brand')
    expect(c.publicUrl).toBe('https://voice.example.com')
    expect(loadConfig(base).authority.pluginFieldType).toBe('storyblok-voice-assistant')
    expect(issuesOf({ ...base, PUBLIC_URL: 'https://voice.example.com/path' })).toEqual([
      expect.stringContaining('PUBLIC_URL must be an origin'),
    ])
  })
})
