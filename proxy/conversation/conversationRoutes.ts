import { Hono, type Context } from 'hono'
import { streamSSE } from 'hono/streaming'
import { AppError, toErrorBody } from '../http/appError.ts'
import type { AppEnv } from '../http/appEnv.ts'
import { ConversationBodySchema, type ConversationResult, type SseEvent } from '../../shared/contract.ts'
import type { Deps } from '../deps.ts'
import type { Lifecycle } from '../lifecycle.ts'
import type { ApiGuards } from '../http/apiGuards.ts'
import { assertSpaceAllowed } from '../http/auth.ts'
import { toAppError } from '../http/onError.ts'
import { parseBody } from '../http/parseBody.ts'
import { runConversation } from './runConversation.ts'
import { createStyleGuides } from './styleGuide.ts'
import { createStoryReads } from './createStoryReads.ts'
import type { ChangeTokens } from '../authority/changeToken.ts'
import { proposalToken } from '../authority/proposalToken.ts'
import type { SignProposal } from './runProposalTurn.ts'
import { publicModelId } from '../http/publicText.ts'

/**
 * Aborts when the client goes away or the shutdown grace period ends. `release()` when the turn is over: the
 * shutdown signal lives as long as the process, and a listener left on it would keep every finished turn alive.
 */
function requestSignal(c: Context, lifecycle: Lifecycle): { ac: AbortController; release(): void } {
  const ac = new AbortController()
  const abort = () => ac.abort()
  const sources = [c.req.raw.signal, lifecycle.deadline]
  for (const source of sources) source.addEventListener('abort', abort, { once: true })
  return { ac, release: () => sources.forEach((source) => source.removeEventListener('abort', abort)) }
}

/** A turn cut by the end of the shutdown grace period is reported as such, not as an internal error (issue 7). */
const afterShutdown = (err: unknown, lifecycle: Lifecycle): unknown =>
  lifecycle.deadline.aborted
    ? new AppError({
        code: 'shutting_down',
        message: 'The proxy restarted before the answer was complete.',
        hint: 'Ask again; another instance will answer.',
        retryAfterSeconds: 1,
        cause: err,
      })
    : err

export type ConversationRouteOptions = {
  lifecycle: Lifecycle
  /** `guards.tokenBudget` opens the turn's share of the key's daily budget; the route records usage and ends it. */
  guards: ApiGuards
  /** Signs each proposal's targets, so that only they can be saved. */
  tokens: ChangeTokens
}

/** `POST /api/conversation`: one turn, streamed as SSE (or one JSON reply with `Accept: application/json`). */
export function conversationRoutes(deps: Deps, { lifecycle, guards, tokens }: ConversationRouteOptions): Hono<AppEnv> {
  const { config, log, bedrock, storyblok, clock } = deps
  const app = new Hono<AppEnv>()
  // One cache for the app's lifetime: the guide is read once per space and TTL, not once per request.
  const styleGuides = createStyleGuides({ storyblok, clock, log, ttlMs: config.storyblok.schemaTtlMs })
  const storyReads = createStoryReads({ storyblok, clock, ttlMs: config.storyblok.storyReadCacheMs })

  app.post('/api/conversation', guards.keyed, guards.tokenBudget, async (c) => {
    const body = await parseBody(c, ConversationBodySchema)
    assertSpaceAllowed(c, config, body.spaceId)
    const requestId = c.get('requestId')
    const { ac, release } = requestSignal(c, lifecycle)
    const signProposal: SignProposal = (changeSetId, changes) =>
      proposalToken(tokens, config.authority.proposalTtlMs, body, changeSetId, changes)
    // Bedrock's usage counts against this key's daily budget (hardening, issue 7); the turn is opened by
    // enforceTokenBudget and ended here once the answer is complete, before `done`.
    const turn = c.get('budgetTurn') as AppEnv['Variables']['budgetTurn'] | undefined
    const spend = (e: SseEvent) => e.event === 'usage' && turn?.record(e.data)
    const meta: SseEvent = {
      event: 'meta',
      data: { requestId, modelId: publicModelId(bedrock.modelId), ...(config.simulated ? { simulated: true } : {}) },
    }

    if ((c.req.header('accept') ?? '').includes('application/json')) {
      const result: ConversationResult = { requestId, modelId: publicModelId(bedrock.modelId), text: '', notices: [] }
      const emit = (e: SseEvent) => {
        spend(e)
        if (e.event === 'text') result.text += e.data.delta
        else if (e.event === 'proposal') result.proposal = e.data
        else if (e.event === 'usage') result.usage = e.data
        else if (e.event === 'notice') result.notices.push(e.data)
      }
      await lifecycle
        .track(
          runConversation(deps, { body, requestId, signal: ac.signal, emit, styleGuides, storyReads, signProposal }),
        )
        .catch((err: unknown) => {
          throw afterShutdown(err, lifecycle)
        })
        .finally(release)
      return c.json(result)
    }

    c.header('Cache-Control', 'no-cache, no-transform')
    c.header('X-Accel-Buffering', 'no')
    turn?.keepOpen()
    return streamSSE(c, async (stream) => {
      stream.onAbort(() => ac.abort())
      const emit = (e: SseEvent) => (spend(e), stream.writeSSE({ event: e.event, data: JSON.stringify(e.data) }))
      const work = (async () => {
        await emit(meta)
        try {
          await runConversation(deps, {
            body,
            requestId,
            signal: ac.signal,
            emit,
            styleGuides,
            storyReads,
            signProposal,
          })
        } catch (err) {
          if (ac.signal.aborted && c.req.raw.signal.aborted) return
          const appError = toAppError(afterShutdown(err, lifecycle))
          if (appError.status >= 500 && appError.code === 'internal')
            log.error('conversation failed', { requestId, cause: err })
          else log.warn('conversation error', { requestId, code: appError.code, message: appError.message })
          await emit({ event: 'error', data: toErrorBody(appError, requestId) })
        }
        await turn?.end()
        await emit({ event: 'done', data: {} })
      })().finally(() => {
        release()
        void turn?.end()
      })
      await lifecycle.track(work)
    })
  })
  return app
}
