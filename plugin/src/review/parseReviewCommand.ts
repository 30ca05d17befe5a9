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

/** Position i+1 for the word at index i; several spellings of one position share an entry ("zwei|zwo"). */
const positions = (words: string) =>
  new Map(words.split(' ').flatMap((alts, i) => alts.split('|').map((w) => [w, i + 1] as const)))
const CARDINALS = positions(
  'one|eins|ein|eine two|zwei|zwo three|drei four|vier five|fünf six|sechs seven|sieben eight|acht nine|neun ten|zehn eleven|elf twelve|zwölf',
)
/** English ordinals, and German ones without their ending (erste, ersten, erster → erst). */
const ORDINALS = positions(
  'first|erst second|zweit third|dritt fourth|viert fifth|fünft sixth|sechst seventh|siebt|siebent eighth|acht ninth|neunt tenth|zehnt eleventh|elft twelfth|zwölft',
)
const ONLY = new Set(['only', 'just', 'nur'])
const LAST = /^(last|letzte[nrms]?)$/
/** Words that carry no meaning in a list of changes: articles, "number", "change", "the … one". */
const FILLER = new Set([
  ...'the a number no change changes suggestion suggestions card cards'.split(' '),
  ...'der die das dem den des nummer nr änderung änderungen vorschlag vorschläge punkt'.split(' '),
])
const JOIN = new Set('and und plus sowie also auch'.split(' '))
const RANGE = new Set('to through bis'.split(' '))
/** "All", "everything", "them": the whole proposal. */
const ALL = new Set('all everything them it these those alle alles sie es diese'.split(' '))
/** Whole words only; `\b` does not work next to umlauts. */
const anyWord = (alternatives: string, flags = 'u') =>
  new RegExp(`(?<![\\p{L}\\d])(?:${alternatives})(?![\\p{L}\\d])`, flags)
const EXCEPT = anyWord(
  '(?:all\\s+)?(?:but\\s+not|but|except(?:\\s+for)?|apart\\s+from|other\\s+than|außer|ausser|bis\\s+auf|ohne)',
)
const APPLY = anyWord(
  'apply|accept|take|use|keep|übernehmen|übernimm|übernehme|anwenden|wende|an|annehmen|nimm|akzeptieren|akzeptiere',
  'gu',
)
const POLITE = anyWord('please|bitte|okay|ok|now|jetzt|then|dann|yes|ja|go ahead|do it|mach|machen|und zwar', 'gu')

/** One spoken number: a digit, a cardinal or an ordinal in either language (with German endings). */
function numberOf(word: string): number | undefined {
  const digits = /^(\d{1,2})(?:st|nd|rd|th|te[nrms]?)?$/.exec(word)
  if (digits) return Number(digits[1])
  return CARDINALS.get(word) ?? ORDINALS.get(word) ?? ORDINALS.get(word.replace(/e[nrms]?$/, ''))
}

/** "one and three", "the first, second and last one", "zwei bis vier" → positions; undefined if a word is not one. */
function listOf(words: string[], count: number | undefined): number[] | undefined {
  const out: number[] = []
  let rangeFrom: number | undefined
  let previous = ''
  for (const w of words) {
    const afterOrdinal = LAST.test(previous) || (!CARDINALS.has(previous) && numberOf(previous) !== undefined)
    previous = w
    // "the second one", "the last one": here "one" names the card, it is not a number.
    if ((w === 'one' || w === 'ones') && afterOrdinal) continue
    if (FILLER.has(w) || JOIN.has(w) || ONLY.has(w)) continue
    if (RANGE.has(w) && out.length) {
      rangeFrom = out.pop()
      continue
    }
    const n = LAST.test(w) ? count : numberOf(w)
    if (n === undefined || n < 1) return undefined
    if (rangeFrom !== undefined) {
      for (let i = rangeFrom; i <= n; i++) out.push(i)
      rangeFrom = undefined
    } else out.push(n)
  }
  return [...new Set(out)].sort((a, b) => a - b)
}

const normalise = (text: string) =>
  text
    .toLowerCase()
    .replace(/[.,!?;:"„“”'’()\-–—]/g, ' ')
    .replace(/&/g, ' and ')
    .replace(/\s+/g, ' ')
    .trim()

/** What a fixed command may name as its object ("undo that", "discard the changes", "lies es vor"). */
const OBJECT = / (?:it|that|this|them|all|everything|the(?: last)? \S+|es|das|sie|alles|die \S+)(?= |$)/g
const FIXED: Array<[RegExp, ReviewCommand['type']]> = [
  [
    /^(?:start (?:a )?)?new (?:conversation|chat)$|^neue[sn]? (?:gespräch|unterhaltung)(?: beginnen| starten)?$/,
    'newConversation',
  ],
  [/^(?:undo|revert)$|^(?:mache? )?rückgängig(?: machen)?$/, 'undo'],
  [/^(?:cancel|discard|reject|dismiss|never ?mind)$|^(?:abbrechen|verwerfen|verwirf)$/, 'cancel'],
  [/^read(?: back| out| aloud| out loud| to me)$|^(?:lies vor|vorlesen)$/, 'readBack'],
]

/**
 * A spoken command for the open proposal, or undefined when the words are something else (a refinement like
 * "shorter" that goes to Claude). `count` resolves "the last one".
 */
export function parseReviewCommand(text: string, { count }: { count?: number } = {}): ReviewCommand | undefined {
  const said = normalise(text).replace(POLITE, ' ').replace(/\s+/g, ' ').trim()
  if (!said) return undefined
  const bare = ` ${said}`.replace(OBJECT, '').trim()
  for (const [pattern, type] of FIXED) if (pattern.test(said) || pattern.test(bare)) return { type } as ReviewCommand
  if (!said.match(APPLY)) return undefined
  const rest = said.replace(APPLY, ' ').replace(/\s+/g, ' ').trim()
  const except = EXCEPT.exec(rest)
  if (except) {
    const before = rest.slice(0, except.index).trim().split(' ').filter(Boolean)
    if (!before.every((w) => ALL.has(w) || FILLER.has(w))) return undefined
    const list = listOf(
      rest
        .slice(except.index + except[0].length)
        .trim()
        .split(' ')
        .filter(Boolean),
      count,
    )
    return list?.length ? { type: 'apply', except: list } : undefined
  }
  const words = rest.split(' ').filter(Boolean)
  if (words.length === 0) return { type: 'apply' }
  if (words.every((w) => ALL.has(w) || FILLER.has(w))) return { type: 'apply', all: true }
  const list = listOf(
    words.filter((w) => !ALL.has(w)),
    count,
  )
  return list?.length ? { type: 'apply', only: list } : undefined
}
