import type { Context, Hono } from 'hono'
import { streamSSE } from 'hono/streaming'
import { toErrorBody } from '../appError.ts'
import type { AppEnv } from '../appEnv.ts'
import { ConversationBodySchema, type ConversationResult, type SseEvent } from '../contract.ts'
import type { Deps } from '../deps.ts'
import type { Lifecycle } from '../lifecycle.ts'
import { assertSpaceAllowed } from '../middleware/auth.ts'
import { toAppError } from '../onError.ts'
import { parseBody } from '../parseBody.ts'
import { runConversation } from '../conversation/runConversation.ts'

/** Aborts when the client goes away or the shutdown grace period ends. */
function requestSignal(c: Context, lifecycle: Lifecycle): AbortController {
  const ac = new AbortController()
  const abort = () => ac.abort()
  c.req.raw.signal.addEventListener('abort', abort, { once: true })
  lifecycle.deadline.addEventListener('abort', abort, { once: true })
  return ac
}

export function registerConversationRoutes(app: Hono<AppEnv>, deps: Deps, lifecycle: Lifecycle) {
  const { config, log, bedrock } = deps

  app.post('/api/conversation', async (c) => {
    const body = await parseBody(c, ConversationBodySchema)
    assertSpaceAllowed(c, config, body.spaceId)
    const requestId = c.get('requestId')
    const ac = requestSignal(c, lifecycle)
    const meta: SseEvent = { event: 'meta', data: { requestId, modelId: bedrock.modelId, ...(config.simulated ? { simulated: true } : {}) } }

    if ((c.req.header('accept') ?? '').includes('application/json')) {
      const result: ConversationResult = { requestId, modelId: bedrock.modelId, text: '', notices: [] }
      const emit = (e: SseEvent) => {
        if (e.event === 'text') result.text += e.data.delta
        else if (e.event === 'proposal') result.proposal = e.data
        else if (e.event === 'usage') result.usage = e.data
        else if (e.event === 'notice') result.notices.push(e.data)
      }
      await lifecycle.track(runConversation(deps, { body, requestId, signal: ac.signal, emit }))
      return c.json(result)
    }

    c.header('Cache-Control', 'no-cache, no-transform')
    c.header('X-Accel-Buffering', 'no')
    return streamSSE(c, async (stream) => {
      stream.onAbort(() => ac.abort())
      const emit = (e: SseEvent) => stream.writeSSE({ event: e.event, data: JSON.stringify(e.data) })
      const work = (async () => {
        await emit(meta)
        try {
          await runConversation(deps, { body, requestId, signal: ac.signal, emit })
        } catch (err) {
          if (ac.signal.aborted && c.req.raw.signal.aborted) return
          const appError = toAppError(err)
          if (appError.status >= 500 && appError.code === 'internal') log.error('conversation failed', { requestId, cause: err })
          else log.warn('conversation error', { requestId, code: appError.code })
          await emit({ event: 'error', data: toErrorBody(appError, requestId) })
        }
        await emit({ event: 'done', data: {} })
      })()
      await lifecycle.track(work)
    })
  })
}
