import type { Context } from 'hono'
import * as v from 'valibot'
import { AppError } from './appError.ts'
import { jsonDepth } from './jsonDepth.ts'

/**
 * Deepest nesting a body may have. Real requests stay far below it (a draft of the demo space nests 15 deep); the
 * bound keeps every recursive step after parsing (validation, comparison, the outline) small and linear.
 */
export const MAX_BODY_DEPTH = 64

/**
 * Reads a JSON body and validates it; every problem becomes one 400 naming the fields. The size is bounded by the
 * body limit in front of every /api route, the nesting here.
 */
export async function parseBody<S extends v.GenericSchema>(c: Context, schema: S): Promise<v.InferOutput<S>> {
  const type = c.req.header('content-type') ?? ''
  if (!/^application\/json\b/i.test(type)) {
    throw new AppError({
      code: 'unsupported_media_type',
      message: 'The body must be JSON.',
      hint: 'Send "Content-Type: application/json".',
    })
  }
  let raw: unknown
  try {
    raw = await c.req.json()
  } catch (cause) {
    if (cause instanceof AppError) throw cause
    throw new AppError({ code: 'bad_request', message: 'The body is not valid JSON.', cause })
  }
  if (jsonDepth(raw, MAX_BODY_DEPTH) > MAX_BODY_DEPTH) {
    throw new AppError({
      code: 'bad_request',
      message: `Invalid request: body: nests deeper than ${MAX_BODY_DEPTH} levels`,
      hint: 'Send story content as Storyblok stores it; no field value needs that much nesting.',
      details: { problems: [`body: nests deeper than ${MAX_BODY_DEPTH} levels`] },
    })
  }
  const parsed = v.safeParse(schema, raw)
  if (!parsed.success) {
    const problems = parsed.issues.slice(0, 10).map(describeIssue)
    throw new AppError({
      code: 'bad_request',
      message: `Invalid request: ${problems.join('; ')}`,
      details: { problems },
    })
  }
  return parsed.output
}

function describeIssue(issue: v.BaseIssue<unknown>): string {
  const path = issue.path?.map((p) => String(p.key)).join('.') ?? ''
  if (issue.type === 'strict_object' || (issue.kind === 'schema' && issue.type === 'never')) {
    return `${path || 'body'}: unknown field`
  }
  return path ? `${path}: ${issue.message}` : issue.message
}
