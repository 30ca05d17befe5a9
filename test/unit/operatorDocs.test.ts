/** The operator docs keep up with the code: every error code documented with its status, every seed promise kept. */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { STATUS, type ErrorCode } from '../../proxy/http/appError.ts'

const doc = (name: string) => readFileSync(new URL(`../../docs/${name}`, import.meta.url), 'utf8')

describe('operator docs', () => {
  const codes = Object.keys(STATUS) as ErrorCode[]

  it('API.md lists every error code with its HTTP status', () => {
    const api = doc('API.md')
    const missing = codes.filter((code) => !new RegExp(`\\|\\s*\`${code}\`\\s*\\|\\s*${STATUS[code]}\\s*\\|`).test(api))
    expect(missing).toEqual([])
  })

  it('TROUBLESHOOTING.md explains every error code', () => {
    const text = doc('TROUBLESHOOTING.md')
    expect(codes.filter((code) => !text.includes(`\`${code}\``))).toEqual([])
  })

  it('TROUBLESHOOTING.md covers every issue of the seed document', () => {
    const text = doc('TROUBLESHOOTING.md')
    for (const phrase of [
      'Unable to locate credentials',
      'Could not load credentials from any providers',
      'Access denied to Bedrock',
      'Model not found',
      'ExpiredToken',
      'bearer token',
      'anthropic.claude-sonnet-4-5-v1:0',
      'on-demand throughput',
      'use-case form',
      'Too many requests',
      'Storyblok 401',
      'Storyblok 403',
      'Storyblok 404',
      'Storyblok 422',
      'Storyblok 429',
      'CORS',
      'recorder window',
    ]) {
      expect(text, phrase).toContain(phrase)
    }
  })

  it('AWS_SETUP.md has the least-privilege actions and every credential method of the seed', () => {
    const text = doc('AWS_SETUP.md')
    for (const phrase of [
      'bedrock:InvokeModel"',
      'bedrock:InvokeModelWithResponseStream',
      'transcribe:StartStreamTranscription',
      'inference-profile/',
      'foundation-model/',
      'AWS_SESSION_TOKEN',
      '~/.aws/credentials',
      'aws sso login --profile',
      'AWS_WEB_IDENTITY_TOKEN_FILE',
      'EC2',
      'ECS',
      'Lambda',
      'Model access',
    ]) {
      expect(text, phrase).toContain(phrase)
    }
  })

  it('DEPLOY_ECS.md and STORYBLOK.md cover task roles, per-instance limits and token scopes', () => {
    const ecs = doc('DEPLOY_ECS.md')
    for (const phrase of [
      'task role',
      'RATE_LIMIT_PER_MINUTE',
      'DAILY_TOKEN_BUDGET',
      'TRANSCRIBE_MAX_SESSIONS_PER_KEY',
      'SCHEMA_CACHE_TTL_SECONDS',
      '/health',
    ]) {
      expect(ecs, phrase).toContain(phrase)
    }
    const sb = doc('STORYBLOK.md')
    for (const phrase of ['scoped personal access token', '30 November 2026', 'OAuth', 'api-us.storyblok.com']) {
      expect(sb.toLowerCase(), phrase).toContain(phrase.toLowerCase())
    }
  })
})
