import http from 'node:http'
import {
  ConverseStreamCommand,
  type BedrockRuntimeClient,
  type ConverseStreamCommandInput,
} from '@aws-sdk/client-bedrock-runtime'
import { DEMO_SPACE_ID, DEMO_STORY_IDS } from '../dev/simulators/storyblok.ts'

/** One stream as the editor experiences it: time to the first text and to the end, from the moment it was asked. */
export type StreamTiming = {
  ok: boolean
  ttftMs: number
  totalMs: number
  /** When the last text delta arrived: separates per-token delay from work done after the answer. */
  lastTextMs: number
  textEvents: number
  /** `notice` events: the answer came, but degraded (e.g. the story could not be read, so no proposal). */
  notices: string[]
  error?: string
}

export const PROMPT = 'Write three short sentences about headless content management.'

// A keep-alive agent like a browser's: the plugin talks to one proxy origin over reused connections. Idle sockets
// are dropped after 4 s, before the server's 5 s keep-alive timeout, or a reuse races the server's close (ECONNRESET).
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, timeout: 4_000 })

export type ProxiedOptions = {
  url: string
  key: string
  /** Close the connection this long after the first text event (P8); returns when it is closed. */
  disconnectAfterFirstTextMs?: number
  onDisconnect?: (at: number) => void
}

/** POST /api/conversation and read the SSE reply incrementally, the way plugin/src/api/readSse.ts does. */
export function proxiedStream({
  url,
  key,
  disconnectAfterFirstTextMs,
  onDisconnect,
}: ProxiedOptions): Promise<StreamTiming> {
  const body = JSON.stringify({
    spaceId: DEMO_SPACE_ID,
    storyId: DEMO_STORY_IDS.home,
    messages: [{ role: 'user', content: PROMPT }],
  })
  return new Promise((resolve) => {
    const t0 = performance.now()
    let ttft = Number.NaN
    let lastText = Number.NaN
    let textEvents = 0
    const notices: string[] = []
    let buffered = ''
    let settled = false
    let sawDone = false
    let error: string | undefined
    const finish = (ok: boolean, why?: string) => {
      if (settled) return
      settled = true
      resolve({
        ok,
        ttftMs: ttft,
        totalMs: performance.now() - t0,
        lastTextMs: lastText,
        textEvents,
        notices,
        ...(why ? { error: why } : {}),
      })
    }
    const req = http.request(
      `${url}/api/conversation`,
      {
        method: 'POST',
        agent,
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/json',
          accept: 'text/event-stream',
          // What a browser sends: a compressing middleware would kick in here, and a compressed stream fails the run.
          'accept-encoding': 'gzip, deflate, br',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume()
          return finish(false, `HTTP ${res.statusCode}`)
        }
        if (res.headers['content-encoding']) error = `compressed stream (${res.headers['content-encoding']})`
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => {
          buffered += chunk
          let end: number
          while ((end = buffered.indexOf('\n\n')) !== -1) {
            const frame = buffered.slice(0, end)
            buffered = buffered.slice(end + 2)
            const event = /^event: ?(.*)$/m.exec(frame)?.[1]
            if (event === 'text') {
              lastText = performance.now() - t0
              if (textEvents++ === 0) {
                ttft = performance.now() - t0
                if (disconnectAfterFirstTextMs !== undefined) {
                  setTimeout(() => {
                    onDisconnect?.(Date.now())
                    req.destroy()
                    finish(true)
                  }, disconnectAfterFirstTextMs)
                }
              }
            } else if (event === 'notice') notices.push(/"code":"([^"]*)"/.exec(frame)?.[1] ?? 'notice')
            else if (event === 'error') error = /^data: ?(.*)$/m.exec(frame)?.[1] ?? 'error event'
            else if (event === 'done') sawDone = true
          }
        })
        res.on('end', () => finish(sawDone && !error, error ?? (sawDone ? undefined : 'stream ended without done')))
        res.on('error', (e) => finish(false, e.message))
      },
    )
    req.on('error', (e) => finish(false, e.message))
    req.end(body)
  })
}

export type ConverseRequest = Omit<ConverseStreamCommandInput, 'modelId'>

const SMALL_REQUEST: ConverseRequest = {
  system: [{ text: 'You are the writing assistant inside the Storyblok Visual Editor.' }],
  messages: [{ role: 'user', content: [{ text: PROMPT }] }],
  inferenceConfig: { maxTokens: 2048 },
}

/**
 * The question straight to the simulator through the SDK. `request` is normally the very body the proxy sent
 * (outline, tool schema and all, replayed from the simulator's record), so the ratio isolates what the proxy adds.
 */
export async function directStream(
  client: BedrockRuntimeClient,
  modelId: string,
  request: ConverseRequest = SMALL_REQUEST,
): Promise<StreamTiming> {
  const t0 = performance.now()
  let ttft = Number.NaN
  let lastText = Number.NaN
  let textEvents = 0
  try {
    const out = await client.send(new ConverseStreamCommand({ ...request, modelId }))
    let stopped = false
    for await (const event of out.stream ?? []) {
      if (event.contentBlockDelta?.delta?.text !== undefined) {
        lastText = performance.now() - t0
        if (textEvents++ === 0) ttft = lastText
      }
      if (event.messageStop) stopped = true
    }
    return {
      ok: stopped,
      ttftMs: ttft,
      totalMs: performance.now() - t0,
      lastTextMs: lastText,
      textEvents,
      notices: [],
      ...(stopped ? {} : { error: 'no messageStop' }),
    }
  } catch (err) {
    return {
      ok: false,
      ttftMs: ttft,
      totalMs: performance.now() - t0,
      lastTextMs: lastText,
      textEvents,
      notices: [],
      error: (err as Error).name,
    }
  }
}
