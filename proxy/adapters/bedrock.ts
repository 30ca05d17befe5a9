import {
  ConverseCommand,
  ConverseStreamCommand,
  type BedrockRuntimeClient,
  type ConverseStreamOutput,
  type ConverseStreamRequest,
  type TokenUsage,
} from '@aws-sdk/client-bedrock-runtime'
import { AppError } from '../http/appError.ts'
import type { Bedrock, ModelEvent, ModelReply, ModelRequest, Usage } from '../deps.ts'
import { bedrockErrorFromAws } from './bedrockErrors.ts'
import { modelCapabilities } from '../proposal/modelCapabilities.ts'
import { linkedAbort } from './linkedAbort.ts'
import { sleep } from './sleep.ts'

export type BedrockRetry = {
  /** Extra attempts after a throttled first attempt (only before any event was yielded). @default 2 */
  retries?: number
  /** @default 250 */
  baseDelayMs?: number
  /** @default 2000 */
  maxDelayMs?: number
}

export type CreateBedrockOptions = {
  /**
   * Built by the caller with `maxAttempts: 1`: this adapter does its own throttling retries, and SDK retries
   * would multiply them (and add seconds to every failing test).
   */
  client: BedrockRuntimeClient
  modelId: string
  /** BEDROCK_MODEL_FAMILY: the capability row for an id the table cannot read (application inference profiles). */
  modelFamily?: string
  region: string
  maxTokens: number
  /** Time allowed until Claude's first event, and between two events. @default 30000 */
  firstTokenTimeoutMs?: number
  /** Time allowed for a whole non-streaming Converse call. @default 60000 */
  converseTimeoutMs?: number
  retry?: BedrockRetry
}

/**
 * The `Bedrock` port over Converse / ConverseStream. Failures surface as AppError, except when the caller's
 * own signal aborts: then its reason is rethrown (an AbortSignal.timeout reason becomes `upstream_timeout`).
 */
export function createBedrock(opts: CreateBedrockOptions): Bedrock {
  const { client, modelId, modelFamily, region, maxTokens } = opts
  const { firstTokenTimeoutMs = 30_000, converseTimeoutMs = 60_000 } = opts
  const retry = { retries: 2, baseDelayMs: 250, maxDelayMs: 2000, ...opts.retry }
  const ctx = { modelId, region }
  // Never ask for more than the model can write: Bedrock refuses a maxTokens above the model's limit.
  const maxOutputTokens = modelCapabilities(modelId, modelFamily).maxOutputTokens

  async function* stream(request: ModelRequest, signal: AbortSignal): AsyncGenerator<ModelEvent> {
    const input = converseInput(request, modelId, maxTokens, maxOutputTokens)
    for (let attempt = 0; ; attempt++) {
      const call = linkedAbort(signal, firstTokenTimeoutMs)
      let yielded = false
      try {
        const out = await client.send(new ConverseStreamCommand(input), { abortSignal: call.signal })
        let sawStop = false
        for await (const event of out.stream ?? []) {
          call.restartTimer()
          for (const e of modelEvents(event)) {
            if (e.type === 'messageStop') sawStop = true
            yielded = true
            yield e
          }
        }
        if (!sawStop) throw truncated()
        call.complete()
        return
      } catch (err) {
        call.complete()
        const failure = failureOf(err, signal, call.timedOut(), ctx, firstTokenTimeoutMs)
        if (isThrottled(failure) && !yielded && attempt < retry.retries) {
          await sleep(backoff(attempt, retry), signal)
          continue
        }
        throw failure
      } finally {
        call.dispose()
      }
    }
  }

  async function converse(request: ModelRequest, signal: AbortSignal): Promise<ModelReply> {
    const input = converseInput(request, modelId, maxTokens, maxOutputTokens)
    for (let attempt = 0; ; attempt++) {
      const call = linkedAbort(signal, converseTimeoutMs)
      try {
        const out = await client.send(new ConverseCommand(input), { abortSignal: call.signal })
        call.complete()
        const content = out.output?.message?.content ?? []
        return {
          text: content.map((c) => c.text ?? '').join(''),
          toolUses: content.flatMap((c) =>
            c.toolUse
              ? [{ toolUseId: c.toolUse.toolUseId ?? '', name: c.toolUse.name ?? '', input: c.toolUse.input }]
              : [],
          ),
          stopReason: out.stopReason ?? 'end_turn',
          usage: usageOf(out.usage, out.metrics?.latencyMs),
        }
      } catch (err) {
        call.complete()
        const failure = failureOf(err, signal, call.timedOut(), ctx, converseTimeoutMs)
        if (isThrottled(failure) && attempt < retry.retries) {
          await sleep(backoff(attempt, retry), signal)
          continue
        }
        throw failure
      } finally {
        call.dispose()
      }
    }
  }

  return { modelId, ...(modelFamily ? { modelFamily } : {}), region, stream, converse }
}

function converseInput(
  request: ModelRequest,
  modelId: string,
  maxTokens: number,
  maxOutputTokens: number,
): ConverseStreamRequest {
  const { system, messages, tools, toolChoice, temperature } = request
  return {
    modelId,
    system: system as ConverseStreamRequest['system'],
    messages: messages as ConverseStreamRequest['messages'],
    inferenceConfig: {
      maxTokens: Math.min(request.maxTokens ?? maxTokens, maxOutputTokens),
      ...(temperature !== undefined ? { temperature } : {}),
    },
    ...(tools?.length
      ? {
          toolConfig: {
            tools: tools.map((t) => ({
              toolSpec: {
                name: t.name,
                description: t.description,
                inputSchema: { json: t.inputSchema as never },
                ...(t.strict ? { strict: true } : {}),
              },
            })),
            ...(toolChoice
              ? {
                  toolChoice:
                    toolChoice === 'auto'
                      ? { auto: {} }
                      : toolChoice === 'any'
                        ? { any: {} }
                        : { tool: { name: toolChoice.tool } },
                }
              : {}),
          },
        }
      : {}),
  }
}

function modelEvents(event: ConverseStreamOutput): ModelEvent[] {
  if (event.contentBlockDelta) {
    const { contentBlockIndex: index = 0, delta } = event.contentBlockDelta
    if (delta?.text !== undefined) return [{ type: 'text', index, delta: delta.text }]
    if (delta?.toolUse?.input !== undefined) return [{ type: 'toolUseDelta', index, input: delta.toolUse.input }]
    const r = delta?.reasoningContent
    if (r?.text !== undefined) return [{ type: 'reasoning', index, text: r.text }]
    if (r?.signature !== undefined) return [{ type: 'reasoning', index, signature: r.signature }]
    if (r?.redactedContent !== undefined) return [{ type: 'reasoning', index, redacted: r.redactedContent }]
    return []
  }
  if (event.contentBlockStart?.start?.toolUse) {
    const { toolUseId = '', name = '' } = event.contentBlockStart.start.toolUse
    return [{ type: 'toolUseStart', index: event.contentBlockStart.contentBlockIndex ?? 0, toolUseId, name }]
  }
  if (event.contentBlockStop) return [{ type: 'blockStop', index: event.contentBlockStop.contentBlockIndex ?? 0 }]
  if (event.messageStop) return [{ type: 'messageStop', stopReason: event.messageStop.stopReason ?? 'end_turn' }]
  if (event.metadata)
    return [{ type: 'usage', usage: usageOf(event.metadata.usage, event.metadata.metrics?.latencyMs) }]
  // The SDK throws modelled stream exceptions; this covers a version that yields them instead.
  const exception =
    event.throttlingException ??
    event.serviceUnavailableException ??
    event.internalServerException ??
    event.modelStreamErrorException ??
    event.validationException
  if (exception) throw exception
  return []
}

function usageOf(usage: TokenUsage | undefined, latencyMs: number | undefined): Usage {
  return {
    inputTokens: usage?.inputTokens ?? 0,
    outputTokens: usage?.outputTokens ?? 0,
    ...(usage?.cacheReadInputTokens !== undefined ? { cacheReadInputTokens: usage.cacheReadInputTokens } : {}),
    ...(usage?.cacheWriteInputTokens !== undefined ? { cacheWriteInputTokens: usage.cacheWriteInputTokens } : {}),
    latencyMs: latencyMs ?? 0,
  }
}

const isThrottled = (e: unknown) => e instanceof AppError && e.code === 'bedrock_throttled'

function truncated(): AppError {
  return new AppError({
    code: 'bedrock_stream_truncated',
    message: "Claude's reply ended before it was complete (no messageStop).",
    hint: 'Please retry.',
    retryAfterSeconds: 1,
  })
}

/** Caller aborts win (a timeout reason becomes upstream_timeout), then our own timer, then AWS mapping. */
function failureOf(
  err: unknown,
  signal: AbortSignal,
  timedOut: boolean,
  ctx: { modelId: string; region: string },
  timeoutMs: number,
): unknown {
  if (signal.aborted) {
    const reason: unknown = signal.reason
    if ((reason as { name?: string } | undefined)?.name === 'TimeoutError') {
      return new AppError({
        code: 'upstream_timeout',
        message: 'The request timed out while Claude was answering.',
        cause: reason,
      })
    }
    return reason ?? err
  }
  if (timedOut) {
    return new AppError({
      code: 'upstream_timeout',
      message: `Claude sent nothing for ${Math.round(timeoutMs / 100) / 10} s.`,
      hint: 'Bedrock is slow right now; try again.',
      retryAfterSeconds: 5,
      cause: err,
    })
  }
  return bedrockErrorFromAws(err, ctx)
}

function backoff(attempt: number, { baseDelayMs, maxDelayMs }: Required<BedrockRetry>): number {
  const exp = Math.min(maxDelayMs, baseDelayMs * 2 ** attempt)
  return exp / 2 + Math.random() * (exp / 2)
}
