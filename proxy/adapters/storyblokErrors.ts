import { AppError } from '../http/appError.ts'
import { isRecord } from '../../shared/isRecord.ts'

/** What the adapter was doing, for messages and hints. Never holds the token. */
export type StoryblokOp = { action: string; spaceId: number; storyId?: number; region: string }

export type FieldProblem = { field: string; message: string }

const MAX_PROBLEMS = 20
const MAX_MESSAGE = 300

/** Seconds from a Retry-After header (delta-seconds or HTTP date), or undefined. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined
  const n = Number(header)
  if (Number.isFinite(n) && n >= 0) return Math.ceil(n)
  const at = Date.parse(header)
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000))
}

/**
 * Flattens Storyblok's Rails-style 422 bodies — `{"name":["has already been taken"]}`, `{"error":{"base":[…]}}`,
 * `{"errors":{…}}`, `{"error":"…"}` — into bounded field/message pairs.
 */
export function fieldProblems(body: unknown): FieldProblem[] {
  const out: FieldProblem[] = []
  const add = (field: string, message: unknown) => {
    if (typeof message === 'string' && message.trim())
      out.push({ field, message: message.trim().slice(0, MAX_MESSAGE) })
  }
  const walk = (value: unknown, field: string) => {
    if (Array.isArray(value)) for (const m of value) walk(m, field)
    else if (isRecord(value))
      for (const [k, v] of Object.entries(value)) walk(v, field && field !== 'base' ? `${field}.${k}` : k)
    else add(field || 'base', value)
  }
  if (typeof body === 'string') add('base', body)
  else if (isRecord(body)) {
    for (const [k, v] of Object.entries(body)) walk(v, k === 'error' || k === 'errors' || k === 'message' ? '' : k)
  }
  return out.slice(0, MAX_PROBLEMS)
}

const target = (op: StoryblokOp) =>
  op.storyId === undefined ? `space ${op.spaceId}` : `story ${op.storyId} in space ${op.spaceId}`

/** Maps a final (after retries) Management API HTTP failure to the proxy's error model. */
export function storyblokHttpError(op: StoryblokOp, status: number, body: unknown, retryAfter?: number): AppError {
  const what = `Storyblok refused ${op.action} (${target(op)})`
  const cause = new Error(`Management API HTTP ${status}`)
  switch (status) {
    case 401:
      return new AppError({
        code: 'storyblok_unauthorized',
        message: `${what}: the token was not accepted (HTTP 401).`,
        hint:
          'The Storyblok token is invalid, expired or revoked. Set STORYBLOK_TOKEN to a scoped personal access token ' +
          `with stories read/write for space ${op.spaceId} (sent without "Bearer"), or STORYBLOK_OAUTH_TOKEN for an OAuth token, and restart the proxy.`,
        cause,
      })
    case 403:
      return new AppError({
        code: 'storyblok_forbidden',
        message: `${what}: the token may not do this (HTTP 403).`,
        hint: `The Storyblok token lacks access to space ${op.spaceId} or the stories read/write scope. Create a scoped personal access token for this space with stories read and write, and set it as STORYBLOK_TOKEN.`,
        cause,
      })
    case 404:
      return new AppError({
        code: 'storyblok_not_found',
        message: `Storyblok has no ${target(op)} (HTTP 404).`,
        hint: `Check the story id and that the space lives in the "${op.region}" region (the proxy picks the region from the space id; STORYBLOK_API_URL overrides it).`,
        cause,
      })
    case 422: {
      const problems = fieldProblems(body)
      const summary = problems.map((p) => `${p.field}: ${p.message}`).join('; ')
      return new AppError({
        code: 'storyblok_rejected',
        message: `Storyblok rejected ${op.action} (${target(op)})${summary ? `: ${summary}` : ''}.`,
        hint: 'Nothing was saved. Fix the listed fields and try again.',
        details: { problems },
        cause,
      })
    }
    case 429:
      return new AppError({
        code: 'storyblok_rate_limited',
        message: `Storyblok is rate limiting requests for space ${op.spaceId} (HTTP 429).`,
        hint: `Storyblok is busy. Try again in ${retryAfter ?? 1} second${retryAfter === 1 ? '' : 's'}.`,
        retryAfterSeconds: retryAfter ?? 1,
        cause,
      })
    default:
      return new AppError({
        code: 'storyblok_unavailable',
        message: `${what}: HTTP ${status}.`,
        hint: 'The Storyblok Management API is having trouble. Try again in a minute.',
        ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}),
        cause,
      })
  }
}

/** Network failures and timeouts (no HTTP status). `cause` is reduced to name/code: ky errors carry the request headers. */
export function storyblokTransportError(op: StoryblokOp, err: unknown, baseUrl: string): AppError {
  const timedOut = err instanceof Error && err.name === 'TimeoutError'
  const code = errorCode(err)
  const cause = new Error(err instanceof Error ? `${err.name}${code ? ` ${code}` : ''}` : 'unknown transport error')
  if (timedOut) {
    return new AppError({
      code: 'upstream_timeout',
      message: `Storyblok did not answer ${op.action} (${target(op)}) in time.`,
      hint: 'The Storyblok Management API is slow right now. Try again in a moment.',
      cause,
    })
  }
  return new AppError({
    code: 'storyblok_unavailable',
    message: `Could not reach the Storyblok Management API at ${baseUrl} for ${op.action}${code ? ` (${code})` : ''}.`,
    hint: 'Check the network connection from the proxy to Storyblok (and STORYBLOK_API_URL if set), then try again.',
    cause,
  })
}

function errorCode(err: unknown): string | undefined {
  let e: unknown = err
  for (let depth = 0; depth < 5 && isRecord(e); depth++, e = e['cause']) {
    if (typeof e['code'] === 'string') return e['code']
  }
  return undefined
}
