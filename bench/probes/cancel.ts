import { ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime'
import { DEFAULT_MODEL_ID } from '../../proxy/loadConfig.ts'
import type { RecordedRequest } from '../../dev/simulators/bedrock.ts'
import type { BenchWorld } from '../benchWorld.ts'
import { spread, type Spread } from '../stats.ts'
import { PROMPT, proxiedStream } from '../streams.ts'

export type CancelResult = {
  /** P8: client disconnect → the simulator sees the upstream stream closed (its abortedAt), ms. */
  proxiedMs: Spread
  /** The same with the SDK's own AbortSignal, for scale. */
  directMs: Spread
  notCancelled: number
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function abortedAtOf(world: BenchWorld, since: number, timeoutMs = 3000): Promise<RecordedRequest | undefined> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const rec = world.bedrock.requests.findLast((r) => r.operation === 'converse-stream' && r.startedAt >= since)
    if (rec?.aborted || rec?.finished || Date.now() > deadline) return rec
    await sleep(2)
  }
}

/** Disconnects 100 ms into the answer (mid-stream, between tokens) and reads when the simulator saw the cancel. */
export async function measureCancel(world: BenchWorld, { runs }: { runs: number }): Promise<CancelResult> {
  const proxied: number[] = []
  const direct: number[] = []
  let notCancelled = 0
  for (let i = 0; i < runs; i++) {
    const since = Date.now()
    let disconnectedAt = 0
    await proxiedStream({
      url: world.proxy.url,
      key: world.proxyKey,
      disconnectAfterFirstTextMs: 100,
      onDisconnect: (at) => (disconnectedAt = at),
    })
    const rec = await abortedAtOf(world, since)
    if (rec?.aborted && rec.abortedAt !== undefined && disconnectedAt) proxied.push(rec.abortedAt - disconnectedAt)
    else notCancelled++

    const since2 = Date.now()
    const ac = new AbortController()
    let abortedAt = 0
    try {
      const out = await world.direct.bedrock.send(
        new ConverseStreamCommand({
          modelId: DEFAULT_MODEL_ID,
          messages: [{ role: 'user', content: [{ text: PROMPT }] }],
        }),
        { abortSignal: ac.signal },
      )
      for await (const e of out.stream ?? []) {
        if (e.contentBlockDelta && !abortedAt) {
          setTimeout(() => {
            abortedAt = Date.now()
            ac.abort()
          }, 100)
          abortedAt = -1
        }
      }
    } catch {
      // The abort surfaces as an AbortError: expected.
    }
    const rec2 = await abortedAtOf(world, since2)
    if (rec2?.aborted && rec2.abortedAt !== undefined && abortedAt > 0) direct.push(rec2.abortedAt - abortedAt)
  }
  return { proxiedMs: spread(proxied), directMs: spread(direct), notCancelled }
}
