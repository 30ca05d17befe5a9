import { randomBytes, randomUUID } from 'node:crypto'
import type http from 'node:http'
import http2 from 'node:http2'
import { EventStreamCodec } from '@smithy/eventstream-codec'
import { fromUtf8, toUtf8 } from '@smithy/util-utf8'
import { listen, readBody, writeHead } from './listen.ts'
import { splitUrl, verifySigV4, type SimSecret } from './sigv4.ts'
import {
  chunkJson,
  errorTypeHeader,
  tokenize,
  type SimBlock,
  type SimContentReply,
  type SimFault,
  type SimHttpError,
  type SimReply,
} from './bedrockScript.ts'
import { simModelFor, type SimModel } from './bedrockModels.ts'
import { modelRefusal } from './modelRefusal.ts'
import { createPromptCache, simTokens, type CacheUsage, type PromptCache } from './promptCache.ts'
import { schemaViolation } from './strictSchema.ts'

export { AWS_ERRORS, reply, tokenize, chunkJson } from './bedrockScript.ts'
export { MODEL_ERRORS, simModelFor, type SimModel } from './bedrockModels.ts'
export type { SimReply, SimBlock, SimFault, SimHttpError, SimContentReply, SimUsage } from './bedrockScript.ts'

export type RecordedRequest = {
  id: number
  operation: 'converse' | 'converse-stream' | 'unknown'
  method: string
  path: string
  /** Decoded model id from the path. */
  modelId: string
  httpVersion: string
  /** Request headers minus `authorization` and `x-amz-security-token`. */
  headers: Record<string, string>
  /** Parsed JSON body (what Claude would receive); undefined when not JSON. */
  body: any
  /** Access key that signed the request (not secret). */
  akid: string | undefined
  /** Set when the signature was rejected. */
  authError?: string
  /** What was answered: `content`, `httpError:<Type>`, `hang`, `auth:<Type>`, `refused` (the model's rules). */
  outcome: string
  /** The model family the simulator played for this request (from the model id in the path). */
  family: string
  /** Cache tokens the prompt cache accounted (only for families with cache accounting and no scripted usage). */
  cache?: CacheUsage
  /** A strict tool's scripted input broke its schema: a real model could not have produced it. */
  strictViolation?: string
  startedAt: number
  finished: boolean
  /** The client went away before the reply was complete. */
  aborted: boolean
  abortedAt?: number
}

export type BedrockSimulatorOptions = {
  region?: string
  /** AKID -> secret; defaults to the team's test key. Rotating credential sources add to this map. */
  secrets?: Map<string, SimSecret> | Record<string, SimSecret>
  expiredTokens?: Iterable<string>
  /** Builds a reply from the parsed request body when nothing is queued (playground). */
  scriptFn?: (body: any, request: RecordedRequest) => SimReply | undefined
  firstTokenDelayMs?: number
  tokenDelayMs?: number
  /** Server clock for the SigV4 skew check. */
  now?: () => Date
}

export type BedrockSimulator = {
  url: string
  port: number
  region: string
  requests: RecordedRequest[]
  secrets: Map<string, SimSecret>
  expiredTokens: Set<string>
  /** Queue replies for the next requests, in order (a signature failure does not consume one). */
  script(...replies: SimReply[]): void
  setScriptFn(fn: BedrockSimulatorOptions['scriptFn']): void
  setLatency(latency: { firstTokenDelayMs?: number; tokenDelayMs?: number }): void
  addSecret(akid: string, secret: SimSecret): void
  /** Replies still queued. */
  pending(): number
  /** Resolves when `predicate` holds (polls; rejects after `timeoutMs`). */
  waitFor(predicate: () => unknown, timeoutMs?: number): Promise<void>
  reset(): void
  close(): Promise<void>
}

export const TEST_SECRETS: Record<string, SimSecret> = {
  AKIDTESTVOICE0000001: { secretAccessKey: 'test-secret-voice-assistant' },
}

const codec = new EventStreamCodec(toUtf8, fromUtf8)
const s = (value: string) => ({ type: 'string' as const, value })
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))
const padding = () => randomBytes(1 + Math.floor(Math.random() * 24)).toString('base64url')

const eventFrame = (type: string, body: object) =>
  codec.encode({
    headers: { ':message-type': s('event'), ':event-type': s(type), ':content-type': s('application/json') },
    body: fromUtf8(JSON.stringify({ ...body, p: padding() })),
  })

const exceptionFrame = (type: string, body: object) =>
  codec.encode({
    headers: { ':message-type': s('exception'), ':exception-type': s(type), ':content-type': s('application/json') },
    body: fromUtf8(JSON.stringify(body)),
  })

const errorFrame = (code: string, message: string) =>
  codec.encode({
    headers: { ':message-type': s('error'), ':error-code': s(code), ':error-message': s(message) },
    body: new Uint8Array(),
  })

type Res = http.ServerResponse | http2.Http2ServerResponse
type Req = http.IncomingMessage | http2.Http2ServerRequest

/**
 * Loopback Bedrock Runtime (Converse + ConverseStream) for the real SDK, over h1 and h2c.
 * Every request's SigV4 signature is verified; replies come from the per-test queue, then `scriptFn`,
 * then a deterministic "[simulated Claude]" answer.
 */
export async function startBedrockSimulator(opts: BedrockSimulatorOptions = {}): Promise<BedrockSimulator> {
  const region = opts.region ?? 'us-east-1'
  const secrets = opts.secrets instanceof Map ? opts.secrets : new Map(Object.entries(opts.secrets ?? TEST_SECRETS))
  const expiredTokens = new Set(opts.expiredTokens ?? [])
  const requests: RecordedRequest[] = []
  const queue: SimReply[] = []
  const hanging = new Set<Res>()
  let scriptFn = opts.scriptFn
  const cache: PromptCache = createPromptCache()
  let latency = { firstTokenDelayMs: opts.firstTokenDelayMs ?? 0, tokenDelayMs: opts.tokenDelayMs ?? 0 }

  const server = await listen(async function bedrockSimulator(req, res) {
    const { rawPath, query } = splitUrl(req.url ?? '/')
    const match = /^\/model\/([^/]+)\/(converse|converse-stream)$/.exec(rawPath)
    const record: RecordedRequest = {
      id: requests.length + 1,
      operation: match ? (match[2] as 'converse' | 'converse-stream') : 'unknown',
      method: req.method ?? '',
      path: rawPath,
      modelId: match ? safeDecode(match[1] ?? '') : '',
      httpVersion: req.httpVersion,
      headers: publicHeaders(req.headers),
      body: undefined,
      akid: undefined,
      outcome: 'pending',
      family: '',
      startedAt: Date.now(),
      finished: false,
      aborted: false,
    }
    requests.push(record)
    res.on('close', () => {
      hanging.delete(res)
      if (!record.finished) {
        record.aborted = true
        record.abortedAt = Date.now()
      }
    })
    const raw = await readBody(req)
    try {
      record.body = JSON.parse(raw.toString('utf8'))
    } catch {
      record.body = undefined
    }
    const auth = await verifySigV4({
      method: req.method ?? 'POST',
      rawPath,
      query,
      headers: req.headers as Record<string, string | string[] | undefined>,
      body: raw,
      service: 'bedrock',
      region,
      secrets,
      expiredTokens,
      now: opts.now?.(),
    })
    if (!auth.ok) {
      record.authError = auth.type
      record.outcome = `auth:${auth.type}`
      return sendHttpError(res, record, { type: 'httpError', status: 403, errorType: auth.type, message: auth.message })
    }
    record.akid = auth.akid
    if (!match || req.method !== 'POST') {
      record.outcome = 'httpError:UnknownOperationException'
      return sendHttpError(res, record, {
        type: 'httpError',
        status: 404,
        errorType: 'UnknownOperationException',
        message: '',
      })
    }
    const model = simModelFor(record.modelId)
    record.family = model.family
    // Refused before anything is generated, so the scripted reply stays queued for the retry.
    const refusal = modelRefusal(model, record.body)
    if (refusal) {
      record.outcome = 'refused'
      return sendHttpError(res, record, {
        type: 'httpError',
        status: 400,
        errorType: 'ValidationException',
        message: refusal,
      })
    }
    const scripted = queue.shift() ?? scriptFn?.(record.body, record) ?? defaultReply(record.body)
    const next = scripted.type === 'content' ? playedBy(model, scripted, record) : scripted
    if (next.type === 'content' && !next.usage) {
      const usage = cache.account(model, record.body)
      if (usage) record.cache = usage
    }
    record.outcome = next.type === 'httpError' ? `httpError:${next.errorType}` : next.type
    if (next.type === 'hang') {
      hanging.add(res)
      return
    }
    if (next.type === 'httpError') return sendHttpError(res, record, next)
    const timing = {
      first: next.firstTokenDelayMs ?? latency.firstTokenDelayMs,
      each: next.tokenDelayMs ?? latency.tokenDelayMs,
    }
    if (record.operation === 'converse') return sendConverse(req, res, record, next, timing.first, hanging)
    return sendStream(req, res, record, next, timing, hanging)
  })

  return {
    url: server.url,
    port: server.port,
    region,
    requests,
    secrets,
    expiredTokens,
    script: (...replies) => void queue.push(...replies),
    setScriptFn: (fn) => void (scriptFn = fn),
    setLatency: (l) => void (latency = { ...latency, ...l }),
    addSecret: (akid, secret) => void secrets.set(akid, secret),
    pending: () => queue.length,
    waitFor: async (predicate, timeoutMs = 5000) => {
      const deadline = Date.now() + timeoutMs
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error('bedrock simulator: waitFor timed out')
        await sleep(5)
      }
    },
    reset: () => {
      queue.length = 0
      requests.length = 0
      cache.clear()
    },
    close: async () => {
      for (const res of hanging) destroy(res)
      await server.close()
    },
  }
}

function sendHttpError(res: Res, record: RecordedRequest, e: SimHttpError): void {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-amzn-requestid': randomUUID(),
    'x-amzn-errortype': errorTypeHeader(e.errorType),
  }
  if (e.retryAfterSeconds !== undefined) headers['retry-after'] = String(e.retryAfterSeconds)
  record.finished = true
  writeHead(res, e.status, headers)
  res.end(JSON.stringify({ [e.messageKey ?? 'message']: e.message }))
}

async function sendConverse(
  _req: Req,
  res: Res,
  record: RecordedRequest,
  r: SimContentReply,
  delay: number,
  hanging: Set<Res>,
) {
  if (delay) await sleep(delay)
  if (record.aborted) return
  if (r.fault?.kind === 'hang') return void hanging.add(res)
  if (r.fault?.kind === 'drop') return destroy(res)
  const content = r.blocks.map((b, i) =>
    'text' in b
      ? { text: b.text }
      : 'reasoning' in b
        ? { reasoningContent: { reasoningText: { text: b.reasoning, signature: b.signature ?? SIGNATURE } } }
        : {
            toolUse: {
              toolUseId: b.toolUse.toolUseId ?? toolUseIdFor(record, i),
              name: b.toolUse.name,
              input: b.toolUse.input,
            },
          },
  )
  const usage = usageFor(record, r)
  record.finished = true
  writeHead(res, 200, { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID() })
  res.end(
    JSON.stringify({
      output: { message: { role: 'assistant', content } },
      stopReason: r.stopReason ?? 'end_turn',
      usage,
      metrics: { latencyMs: Date.now() - record.startedAt },
    }),
  )
}

async function sendStream(
  _req: Req,
  res: Res,
  record: RecordedRequest,
  r: SimContentReply,
  timing: { first: number; each: number },
  hanging: Set<Res>,
) {
  const frames = streamFrames(record, r)
  const fault = r.fault
  const faultAt = fault && fault.kind !== 'noMessageStop' ? Math.min(fault.afterEvents ?? 2, frames.length) : -1
  const body =
    fault?.kind === 'noMessageStop' ? frames.filter((f) => f.type !== 'messageStop' && f.type !== 'metadata') : frames

  if (timing.first) await sleep(timing.first)
  if (record.aborted) return
  writeHead(res, 200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': randomUUID() })
  for (let i = 0; i <= body.length; i++) {
    if (record.aborted) return
    if (i === faultAt && fault) return applyFault(res, record, fault, hanging)
    const frame = body[i]
    if (!frame) break
    if (i > 0 && timing.each) await sleep(timing.each)
    if (record.aborted) return
    ;(res as http.ServerResponse).write(frame.bytes)
  }
  record.finished = true
  res.end()
}

function applyFault(res: Res, record: RecordedRequest, fault: SimFault, hanging: Set<Res>): void {
  switch (fault.kind) {
    case 'exception': {
      const body: Record<string, unknown> = { message: fault.message }
      if (fault.originalStatusCode !== undefined) body['originalStatusCode'] = fault.originalStatusCode
      if (fault.originalMessage !== undefined) body['originalMessage'] = fault.originalMessage
      record.finished = true
      res.end(exceptionFrame(fault.exceptionType, body))
      return
    }
    case 'error':
      record.finished = true
      res.end(errorFrame(fault.errorCode, fault.errorMessage))
      return
    case 'truncate': {
      const frame = eventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'lost' } })
      record.finished = true
      res.end(frame.subarray(0, Math.floor(frame.length / 2)))
      return
    }
    case 'drop':
      destroy(res)
      return
    case 'hang':
      hanging.add(res)
      return
    case 'noMessageStop':
      return
  }
}

function destroy(res: Res): void {
  if (res instanceof http2.Http2ServerResponse) res.stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR)
  else res.socket?.destroy()
}

type Frame = { type: string; bytes: Uint8Array }

function streamFrames(record: RecordedRequest, r: SimContentReply): Frame[] {
  const out: Frame[] = []
  const push = (type: string, body: object) => out.push({ type, bytes: eventFrame(type, body) })
  push('messageStart', { role: 'assistant' })
  r.blocks.forEach((b: SimBlock, i) => {
    if ('text' in b) {
      for (const text of b.tokens ?? tokenize(b.text))
        push('contentBlockDelta', { contentBlockIndex: i, delta: { text } })
    } else if ('reasoning' in b) {
      for (const text of tokenize(b.reasoning))
        push('contentBlockDelta', { contentBlockIndex: i, delta: { reasoningContent: { text } } })
      push('contentBlockDelta', {
        contentBlockIndex: i,
        delta: { reasoningContent: { signature: b.signature ?? SIGNATURE } },
      })
    } else {
      const toolUseId = b.toolUse.toolUseId ?? toolUseIdFor(record, i)
      push('contentBlockStart', { contentBlockIndex: i, start: { toolUse: { toolUseId, name: b.toolUse.name } } })
      for (const input of chunkJson(b.toolUse.input, b.chunkSize)) {
        push('contentBlockDelta', { contentBlockIndex: i, delta: { toolUse: { input } } })
      }
    }
    push('contentBlockStop', { contentBlockIndex: i })
  })
  push('messageStop', { stopReason: r.stopReason ?? 'end_turn' })
  push('metadata', { usage: usageFor(record, r), metrics: { latencyMs: Date.now() - record.startedAt } })
  return out
}

function usageFor(record: RecordedRequest, r: SimContentReply) {
  const cached = record.cache
  const total = Math.max(1, simTokens(JSON.stringify(record.body ?? {}).length))
  // Like Bedrock, inputTokens counts only what was neither read from nor written to the cache.
  const inputTokens =
    r.usage?.inputTokens ??
    (cached ? Math.max(1, total - cached.cacheReadInputTokens - cached.cacheWriteInputTokens) : total)
  const outputTokens =
    r.usage?.outputTokens ??
    r.blocks.reduce(
      (n, b) =>
        n +
        ('text' in b
          ? (b.tokens ?? tokenize(b.text)).length
          : 'reasoning' in b
            ? tokenize(b.reasoning).length
            : chunkJson(b.toolUse.input).length),
      0,
    )
  const cacheRead = r.usage?.cacheReadInputTokens ?? cached?.cacheReadInputTokens
  const cacheWrite = r.usage?.cacheWriteInputTokens ?? cached?.cacheWriteInputTokens
  return {
    inputTokens,
    outputTokens,
    totalTokens: inputTokens + outputTokens + (cacheRead ?? 0) + (cacheWrite ?? 0),
    ...(cacheRead !== undefined ? { cacheReadInputTokens: cacheRead } : {}),
    ...(cacheWrite !== undefined ? { cacheWriteInputTokens: cacheWrite } : {}),
  }
}

/** Stands in for the model's signature over its reasoning (opaque to the client, echoed back on tool turns). */
const SIGNATURE = 'c2ltdWxhdGVkLXNpZ25hdHVyZQ'

/**
 * The scripted reply as this family would send it: an always-reasoning model opens with a reasoning block, and a
 * strict tool's input that breaks its schema is flagged (a real model could not produce it).
 */
function playedBy(model: SimModel, r: SimContentReply, record: RecordedRequest): SimContentReply {
  if (model.strict === 'honoured') {
    const tools: any[] = record.body?.toolConfig?.tools ?? []
    for (const b of r.blocks) {
      if (!('toolUse' in b)) continue
      const spec = tools.find((t) => t?.toolSpec?.name === b.toolUse.name)?.toolSpec
      const violation = spec?.strict ? schemaViolation(spec.inputSchema?.json, b.toolUse.input) : undefined
      if (violation) record.strictViolation ??= violation
    }
  }
  if (model.reasoning !== 'always' || r.blocks.some((b) => 'reasoning' in b)) return r
  return {
    ...r,
    blocks: [
      { reasoning: '[simulated reasoning] The editor wants a change; I check the outline before answering.' },
      ...r.blocks,
    ],
  }
}

const toolUseIdFor = (record: RecordedRequest, index: number) => `tooluse_sim_${record.id}_${index}`

/** Deterministic, clearly-labelled answer for when nothing is scripted. */
function defaultReply(body: any): SimContentReply {
  const last = lastUserText(body)
  const echo = last.length > 80 ? `${last.slice(0, 77)}...` : last
  return {
    type: 'content',
    blocks: [
      {
        text: `[simulated Claude] This answer comes from the offline Bedrock simulator, not from a real model. You said: "${echo}"`,
      },
    ],
  }
}

function lastUserText(body: any): string {
  const messages: any[] = Array.isArray(body?.messages) ? body.messages : []
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]
    if (m?.role !== 'user' || !Array.isArray(m.content)) continue
    const text = m.content
      .map((c: any) => (typeof c?.text === 'string' ? c.text : ''))
      .join(' ')
      .trim()
    if (text) return text.replace(/\s+/g, ' ')
  }
  return ''
}

function publicHeaders(headers: Req['headers']): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(headers)) {
    if (k === 'authorization' || k === 'x-amz-security-token' || v === undefined) continue
    out[k] = Array.isArray(v) ? v.join(',') : String(v)
  }
  return out
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}
