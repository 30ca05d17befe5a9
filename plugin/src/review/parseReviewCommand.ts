/**
 * What a spoken reply to an open proposal means, in English or German. Numbers are the positions shown on the
 * change cards (1-based). `apply` without a list applies the current selection; `all` selects every change first.
 */
export type ReviewCommand =
  | { type: 'apply'; all?: boolean; only?: number[]; except?: number[] }
  | { type: 'undo'; all?: never; only?: never; except?: never }
  | { type: 'cancel'; all?: never; only?: never; except?: never }
  | { type: 'readBack'; all?: never; only?: never; except?: never }
  | { type: 'newConversation'; all?: never; only?: never; except?: never }

/** Cardinals and ordinals of one position share a group; German ordinals without their ending (zweiten → zweit). */
const NUMBERS = new Map(
  'one eins ein eine first erst|two zwei zwo second zweit|three drei third dritt|four vier fourth viert|five fünf fifth fünft|six sechs sixth sechst|seven sieben seventh siebt|eight acht eighth|nine neun ninth neunt|ten zehn tenth zehnt'
    .split('|')
    .flatMap((group, i) => group.split(' ').map((w) => [w, i + 1] as const)),
)
const set = (words: string) => new Set(words.split(' '))
/** Words with no meaning in a list of changes: articles, "number", "change", "and", "only". */
const FILLER = set(
  'the a number no change changes card and plus only just der die das dem den des nummer nr änderung änderungen und nur',
)
/** "All", "everything", "them": the whole proposal. */
const ALL = set('all everything them it these alle alles sie es diese')
const LAST = set('last letzte letzten letzter')

/** Whole words only; `\b` does not work next to umlauts. */
const words = (alternatives: string) => new RegExp(`(?<![\\p{L}\\d])(?:${alternatives})(?![\\p{L}\\d])`, 'gu')
const APPLY = words('apply|accept|take|use|keep|übernehmen|übernimm|anwenden|annehmen|nimm|an|akzeptieren')
const EXCEPT = words('(?:all )?(?:but not|but|except(?: for)?|apart from|other than|außer|ausser|bis auf|ohne)')
const POLITE = words('please|bitte|okay|ok|now|jetzt|then|dann|yes|ja|do it|mach|mache|machen')
/** What a fixed command may name as its object ("undo that", "discard the changes", "lies es vor"). */
const OBJECT = words('it|that|this|them|all|everything|the(?: last)? \\S+|es|das|sie|alles|die \\S+')
const FIXED: Array<[RegExp, ReviewCommand['type']]> = [
  [
    /^(start (a )?)?new (conversation|chat)$|^neue[sn]? (gespräch|unterhaltung)( beginnen| starten)?$/,
    'newConversation',
  ],
  [/^(undo|revert|rückgängig)$/, 'undo'],
  [/^(cancel|discard|reject|dismiss|never ?mind|abbrechen|verwerfen|verwirf)$/, 'cancel'],
  [/^(read( back| out| aloud| out loud| to me)|lies vor|vorlesen)$/, 'readBack'],
]

function numberOf(word: string, count: number | undefined): number | undefined {
  if (/^\d/.test(word)) return parseInt(word, 10)
  if (LAST.has(word)) return count
  return NUMBERS.get(word) ?? NUMBERS.get(word.replace(/e[nrms]?$/, ''))
}

/** "one and three", "the first and the last one", "zwei bis vier" → positions; undefined if a word is not one. */
function listOf(list: string[], count: number | undefined): number[] | undefined {
  const out: number[] = []
  let from: number | undefined
  let previous: number | undefined
  for (const w of list) {
    // "the second one": after a number, "one" names the card.
    if (FILLER.has(w) || (w === 'one' && previous)) continue
    if ((w === 'to' || w === 'bis') && out.length) {
      from = out.pop()
      continue
    }
    const n = numberOf(w, count)
    if (!n) return undefined
    for (let i = from ?? n; i <= n; i++) out.push(i)
    from = undefined
    previous = n
  }
  return out.length ? [...new Set(out)].sort((a, b) => a - b) : undefined
}

const tidy = (text: string) => text.replace(/\s+/g, ' ').trim()

/**
 * A spoken command for the open proposal, or undefined when the words are something else (a refinement like
 * "shorter" that goes to Claude). `count` resolves "the last one".
 */
export function parseReviewCommand(text: string, { count }: { count?: number } = {}): ReviewCommand | undefined {
  const said = tidy(
    text
      .toLowerCase()
      .replace(/[.,!?;:"„“”'’()\-–—]/g, ' ')
      .replace(/&/g, ' and ')
      .replace(POLITE, ' '),
  )
  const bare = tidy(said.replace(OBJECT, ' '))
  for (const [pattern, type] of FIXED) if (pattern.test(said) || pattern.test(bare)) return { type } as ReviewCommand
  if (!said || !said.match(APPLY)) return undefined
  const rest = tidy(said.replace(APPLY, ' ')).split(' ').filter(Boolean)
  const quantified = (ws: string[]) => ws.every((w) => ALL.has(w) || FILLER.has(w))
  const joined = rest.join(' ')
  const except = EXCEPT.exec(joined)
  EXCEPT.lastIndex = 0
  if (except) {
    if (!quantified(joined.slice(0, except.index).split(' ').filter(Boolean))) return undefined
    const list = listOf(
      joined
        .slice(except.index + except[0].length)
        .split(' ')
        .filter(Boolean),
      count,
    )
    return list && { type: 'apply', except: list }
  }
  if (rest.length === 0) return { type: 'apply' }
  if (quantified(rest)) return { type: 'apply', all: true }
  const list = listOf(
    rest.filter((w) => !ALL.has(w)),
    count,
  )
  return list && { type: 'apply', only: list }
}
