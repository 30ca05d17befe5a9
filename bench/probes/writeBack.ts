import { DEMO_SPACE_ID, DEMO_STORY_IDS, DEMO_UIDS } from '../../dev/simulators/storyblok.ts'
import type { BenchWorld } from '../benchWorld.ts'
import { spread, type Spread } from '../stats.ts'
import type { ChangeInput } from '../../shared/contract.ts'
import { createChangeTokens } from '../../proxy/authority/changeToken.ts'
import { applyTarget } from '../../proxy/authority/tokenTarget.ts'

export type WriteBackResult =
  | { status: 'pending'; reason: string }
  | {
      status: 'measured'
      /** P7a: Management API requests per apply once the schema cache is warm. */
      requestsPerApply: number
      applies: number
      burst: {
        perSecond: number
        seconds: number
        limitPerSecond: number
        applies: number
        ok: number
        /** P7b: 429 answers the editor would see. */
        userVisible429: number
        otherErrors: string[]
        /** 429s the simulator sent the proxy (absorbed by pacing or retries when user-visible is 0). */
        upstream429: number
        latencyMs: Spread
      }
    }

const HEADLINE = 'Content that moves at the speed of your team'
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Stories cloned from "home", one per apply, so a burst measures rate limits and not conflicts. */
function cloneHome(world: BenchWorld, count: number, firstId: number): number[] {
  const home = world.storyblok.getStory(DEMO_SPACE_ID, DEMO_STORY_IDS.home)
  if (!home) throw new Error('simulator has no home story')
  return Array.from({ length: count }, (_, i) => {
    const id = firstId + i
    world.storyblok.setStory(DEMO_SPACE_ID, {
      ...home,
      id,
      slug: `bench-${id}`,
      full_slug: `bench-${id}`,
      uuid: `0c0ffee0-0000-4000-8000-${String(id).padStart(12, '0')}`,
    })
    return id
  })
}

async function apply(
  world: BenchWorld,
  storyId: number,
  after: string,
): Promise<{ status: number; ms: number; code?: string }> {
  const t0 = performance.now()
  const res = await fetch(`${world.proxy.url}/api/changes`, {
    method: 'POST',
    headers: { authorization: `Bearer ${world.proxyKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(
      signedBody(world, storyId, [{ blockUid: DEMO_UIDS.hero, field: 'headline', before: HEADLINE, after }]),
    ),
  })
  const body = (await res.json().catch(() => ({}))) as { error?: { code?: string } }
  return { status: res.status, ms: performance.now() - t0, ...(body.error?.code ? { code: body.error.code } : {}) }
}

/** The change set with the token the proxy would have put on its proposal (signed with the bench proxy's secret). */
export function signedBody(world: BenchWorld, storyId: number, changes: ChangeInput[]) {
  const tokens = createChangeTokens({
    secrets: [world.proxyEnv['CHANGE_SIGNING_SECRET'] ?? ''],
    clock: { now: Date.now },
  })
  const t = changes.map(applyTarget)
  const token = tokens.sign(
    { typ: 'apply', cs: `bench-${storyId}`, sp: DEMO_SPACE_ID, st: storyId, rl: null, t },
    600_000,
  )
  return { spaceId: DEMO_SPACE_ID, storyId, changes, token }
}

export async function measureWriteBack(
  world: BenchWorld,
  {
    burstSeconds,
    perSecond = 10,
    limitPerSecond = 6,
  }: { burstSeconds: number; perSecond?: number; limitPerSecond?: number },
): Promise<WriteBackResult> {
  const probe = await fetch(`${world.proxy.url}/api/changes`, {
    method: 'POST',
    headers: { authorization: `Bearer ${world.proxyKey}`, 'content-type': 'application/json' },
    body: '{}',
  })
  if (probe.status === 404) return { status: 'pending', reason: 'POST /api/changes is not mounted' }

  const sb = world.storyblok
  const savedLimit = sb.rateLimitPerSecond
  sb.rateLimitPerSecond = limitPerSecond
  try {
    const sequential = cloneHome(world, 6, 700_000_001)
    const warm = await apply(world, sequential[0] as number, 'Warm-up headline')
    if (warm.status !== 200) throw new Error(`warm-up apply failed: HTTP ${warm.status} ${warm.code ?? ''}`)
    await sleep(1100) // a fresh rate-limit window
    sb.clearRequests()
    const measured = sequential.slice(1)
    for (const id of measured) {
      const r = await apply(world, id, `Headline for story ${id}`)
      if (r.status !== 200) throw new Error(`apply failed: HTTP ${r.status} ${r.code ?? ''}`)
      await sleep(400) // stay under the limit: this part counts requests, the burst below tests the limit
    }
    const requestsPerApply = sb.requests.length / measured.length

    await sleep(1100)
    sb.clearRequests()
    const count = Math.round(perSecond * burstSeconds)
    const burstIds = cloneHome(world, count, 710_000_001)
    const started = performance.now()
    const results = await Promise.all(
      burstIds.map(async (id, i) => {
        await sleep(started + (i * 1000) / perSecond - performance.now())
        return apply(world, id, `Burst headline ${i}`)
      }),
    )
    return {
      status: 'measured',
      requestsPerApply,
      applies: measured.length,
      burst: {
        perSecond,
        seconds: burstSeconds,
        limitPerSecond,
        applies: count,
        ok: results.filter((r) => r.status === 200).length,
        userVisible429: results.filter((r) => r.status === 429 || r.code === 'storyblok_rate_limited').length,
        otherErrors: results
          .filter((r) => r.status !== 200 && r.status !== 429 && r.code !== 'storyblok_rate_limited')
          .map((r) => `${r.status} ${r.code ?? ''}`)
          .slice(0, 5),
        upstream429: sb.requests.filter((r) => r.status === 429).length,
        latencyMs: spread(results.map((r) => r.ms)),
      },
    }
  } finally {
    sb.rateLimitPerSecond = savedLimit
  }
}
