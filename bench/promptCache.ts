/**
 * `npm run bench:prompt`: what one conversation turn sends to Bedrock, and how much of it the prompt cache serves.
 * A 3-turn conversation about the demo home story and the article, per model family the Bedrock simulator plays
 * (the simulator counts ~4 characters of request JSON per token and applies each family's cache minimum).
 * Prints one table; `--json` prints the rows as JSON instead.
 */
import { reply } from '../dev/simulators/bedrockScript.ts'
import { DEMO_SPACE_ID, DEMO_STORY_IDS } from '../dev/simulators/storyblok.ts'
import { startWorld, TEST_PROXY_KEY } from '../dev/world.ts'

const MODELS = [
  'us.anthropic.claude-sonnet-4-6',
  'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
  'global.anthropic.claude-haiku-4-5-20251001-v1:0',
  'us.anthropic.claude-sonnet-5-5',
]
const STORIES = { home: DEMO_STORY_IDS.home, article: DEMO_STORY_IDS.article }
const TURNS = ['Shorten the main headline', 'Shorter still, please', 'Now make it sound friendlier']
const ANSWER = 'Here is a shorter headline.'

type Row = {
  model: string
  story: string
  turn: number
  chars: number
  tokens: number
  cacheRead: number
  cacheWrite: number
  readShare: number
}

const rows: Row[] = []
for (const model of MODELS) {
  const world = await startWorld({ env: { BEDROCK_MODEL_ID: model, RATE_LIMIT_PER_MINUTE: '100000' } })
  try {
    for (const [story, storyId] of Object.entries(STORIES)) {
      world.bedrock.reset()
      const messages: Array<{ role: 'user' | 'assistant'; content: string }> = []
      for (const turn of TURNS) {
        messages.push({ role: 'user', content: turn })
        world.bedrock.script(reply.text(ANSWER))
        const res = await fetch(`${world.proxyUrl}/api/conversation`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TEST_PROXY_KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify({ spaceId: DEMO_SPACE_ID, storyId, messages }),
        })
        await res.arrayBuffer()
        messages.push({ role: 'assistant', content: ANSWER })
      }
      world.bedrock.requests.forEach((r, i) => {
        const chars = JSON.stringify(r.body).length
        const tokens = Math.ceil(chars / 4)
        const cacheRead = r.cache?.cacheReadInputTokens ?? 0
        rows.push({
          model: model.replace(/^\w+\.anthropic\./, ''),
          story,
          turn: i + 1,
          chars,
          tokens,
          cacheRead,
          cacheWrite: r.cache?.cacheWriteInputTokens ?? 0,
          readShare: cacheRead / tokens,
        })
      })
    }
  } finally {
    await world.close()
  }
}

if (process.argv.includes('--json')) {
  process.stdout.write(JSON.stringify(rows, null, 2) + '\n')
} else {
  const head = ['model', 'story', 'turn', 'input chars', '≈ tokens', 'cache read', 'cache write', 'read share']
  const body = rows.map((r) => [
    r.model,
    r.story,
    String(r.turn),
    r.chars.toLocaleString('en'),
    r.tokens.toLocaleString('en'),
    r.cacheRead.toLocaleString('en'),
    r.cacheWrite.toLocaleString('en'),
    `${Math.round(r.readShare * 100)} %`,
  ])
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)))
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')
  process.stdout.write([line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n') + '\n')
  const followUps = rows.filter((r) => r.turn > 1)
  const share = followUps.reduce((n, r) => n + r.cacheRead, 0) / followUps.reduce((n, r) => n + r.tokens, 0)
  process.stdout.write(
    `\nfollow-up turns (2 and 3): ${Math.round(share * 100)} % of input tokens read from the cache\n`,
  )
}
