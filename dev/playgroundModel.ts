/**
 * A stand-in for Claude in the playground and the browser tests: reads the story outline and the
 * `propose_changes` tool schema the proxy sent, picks the fields the prompt talks about, and answers with a short,
 * clearly simulated text plus a tool call. Deterministic, so browser tests can rely on it.
 */
import { reply, type SimReply } from './simulators/bedrockScript.ts'

type OutlineField = {
  uid: string
  block: string
  field: string
  type: string
  maxLength?: number
  value: string
  focus: boolean
}

const TEXT_TYPES = new Set(['text', 'textarea', 'markdown', 'richtext'])
const SYNONYMS: Record<string, string[]> = {
  headline: ['headline', 'title', 'heading', 'überschrift', 'titel'],
  subheadline: ['subheadline', 'subtitle', 'tagline', 'unterzeile'],
  lead: ['intro', 'lead', 'introduction', 'einleitung', 'teaser'],
  teaser: ['intro', 'teaser', 'summary', 'excerpt'],
  text: ['text', 'body', 'copy', 'paragraph', 'intro', 'answer', 'antwort'],
  description: ['description', 'answer', 'beschreibung', 'antwort', 'seo'],
  label: ['label', 'button', 'cta'],
}
const STOP = new Set(
  'a an the our for and with of to in on please write make me some new two three short friendly tone sentence sentences it this that is be can you shorten shorter'.split(
    ' ',
  ),
)

/** Parses the outline text the proxy puts in the system prompt. */
export function parseOutline(text: string): OutlineField[] {
  const out: OutlineField[] = []
  let uid = ''
  let block = ''
  let focusBlock = false
  for (const line of text.split('\n')) {
    const head = /^## (.*?)\s+\[(.*?), uid ([^\]]+)\](.*)$/.exec(line)
    if (head) {
      block = `${head[1]} ${head[2]}`.toLowerCase()
      uid = head[3]!
      focusBlock = head[4]!.includes('EDITOR FOCUS')
      continue
    }
    const field = /^- (\S+) "[^"]*" \(([^);]+)[^)]*?(?:max (\d+) chars)?[^)]*\):\s*(.*)$/.exec(line)
    if (field && uid) {
      out.push({
        uid,
        block,
        field: field[1]!,
        type: field[2]!.replace(', write Markdown', '').trim(),
        ...(field[3] ? { maxLength: Number(field[3]) } : {}),
        value: field[4] ?? '',
        focus: line.includes('EDITOR FOCUS') || (focusBlock && !line.includes('←')),
      })
    }
  }
  return out
}

const words = (s: string) =>
  s
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .split(/\s+/)
    .filter(Boolean)
const titleCase = (ws: string[]) => ws.map((w) => w[0]!.toUpperCase() + w.slice(1)).join(' ')

function score(f: OutlineField, prompt: string[]): number {
  if (!TEXT_TYPES.has(f.type)) return 0
  const synonyms = SYNONYMS[f.field] ?? [f.field]
  let s = synonyms.some((w) => prompt.includes(w)) ? 3 : 0
  if (s && words(f.block).some((w) => w.length > 2 && !STOP.has(w) && prompt.includes(w))) s += 2
  if (s && f.focus) s += 1
  if (!s && f.focus && prompt.some((w) => ['this', 'here', 'dies', 'hier'].includes(w))) s = 4
  return s
}

function valueFor(f: OutlineField, prompt: string[], original: string): string {
  const blockWords = new Set(words(f.block))
  const topic = prompt
    .filter((w) => !STOP.has(w) && !blockWords.has(w) && !Object.values(SYNONYMS).flat().includes(w))
    .slice(0, 5)
  const phrase = topic.length ? titleCase(topic) : 'Something New'
  const long = f.type !== 'text'
  let value = long
    ? `${phrase}: discover what is new this season. (Simulated suggestion for “${original.slice(0, 80)}”.)`
    : `${phrase} — Simulated Headline`
  if (f.type === 'richtext' || f.type === 'markdown')
    value = `**${phrase}** — discover what is new this season.\n\n(Simulated suggestion.)`
  if (f.maxLength && [...value].length > f.maxLength) value = [...value].slice(0, f.maxLength).join('').trimEnd()
  return value
}

export function simulatedModel(body: any): SimReply | undefined {
  const messages: any[] = Array.isArray(body?.messages) ? body.messages : []
  const last = messages.at(-1)
  const texts: string[] = (last?.content ?? []).map((c: any) => c?.text ?? '')
  // The proxy sends the editor's selection as its own line after the prompt.
  const focusLine = texts.find((t) => t.startsWith('EDITOR FOCUS:'))
  const prompt: string = texts
    .filter((t) => t !== focusLine)
    .join(' ')
    .trim()
  const focused = focusLine ? /block uid (\S+?)(?: \(.*\))?(?:, field (\S+?))?\./.exec(focusLine) : null
  const repair = (last?.content ?? []).some((c: any) => c?.toolResult)
  const tool = body?.toolConfig?.tools?.find((t: any) => t?.toolSpec?.name === 'propose_changes')
  const preface = `[Simulated Claude — no AWS call was made] Here is my suggestion for “${prompt.slice(0, 60)}”.`
  if (!tool || repair)
    return reply.text(
      repair ? '[Simulated Claude] Fixed.' : `${preface} (No story was loaded, so there is nothing to change.)`,
    )
  const outline = ((body.system ?? []) as any[]).map((s) => s?.text ?? '').join('\n')
  const fields = parseOutline(outline).map((f) =>
    focused ? { ...f, focus: f.uid === focused[1] && (!focused[2] || f.field === focused[2]) } : f,
  )
  const p = words(prompt)
  const ranked = fields
    .map((f) => ({ f, s: score(f, p) }))
    .filter((x) => x.s > 0)
    .sort((a, b) => b.s - a.s)
  // The best-matching fields only: "the hero headline" is one field, not every headline on the page.
  const best = ranked.length
    ? ranked
        .filter((x) => x.s === ranked[0]!.s)
        .slice(0, 3)
        .map((x) => x.f)
    : fields.filter((f) => TEXT_TYPES.has(f.type)).slice(0, 1)
  const changes = best.map((f) => ({ blockUid: f.uid, field: f.field, value: valueFor(f, p, prompt), language: '' }))
  return reply.toolUse(
    'propose_changes',
    { changes, question: '' },
    {
      preface,
      chunkSize: 24,
      usage: { inputTokens: Math.ceil(outline.length / 4), outputTokens: 40 + changes.length * 30 },
    },
  )
}
