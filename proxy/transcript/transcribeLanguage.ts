/**
 * Storyblok/editor language tags → Amazon Transcribe streaming language codes.
 * Pure: no config or I/O; callers pass the fallback (the route passes the first TRANSCRIBE_LANGUAGE_OPTIONS entry).
 */

/** Streaming-capable codes we accept verbatim (Transcribe's streaming list, Nov 2026). */
export const STREAMING_LANGUAGES: ReadonlySet<string> = new Set([
  'af-ZA',
  'ar-AE',
  'ar-SA',
  'ca-ES',
  'cs-CZ',
  'da-DK',
  'de-CH',
  'de-DE',
  'el-GR',
  'en-AB',
  'en-AU',
  'en-GB',
  'en-IE',
  'en-IN',
  'en-NZ',
  'en-US',
  'en-WL',
  'en-ZA',
  'es-ES',
  'es-US',
  'eu-ES',
  'fa-IR',
  'fi-FI',
  'fr-CA',
  'fr-FR',
  'gl-ES',
  'he-IL',
  'hi-IN',
  'hr-HR',
  'id-ID',
  'it-IT',
  'ja-JP',
  'ko-KR',
  'lv-LV',
  'ms-MY',
  'nl-NL',
  'no-NO',
  'pl-PL',
  'pt-BR',
  'pt-PT',
  'ro-RO',
  'ru-RU',
  'sk-SK',
  'so-SO',
  'sr-RS',
  'sv-SE',
  'th-TH',
  'tl-PH',
  'uk-UA',
  'vi-VN',
  'zh-CN',
  'zh-HK',
  'zh-TW',
  'zu-ZA',
])

/** The region picked when only the primary subtag is known (or the region is not streamed). */
const PRIMARY_DEFAULT: Readonly<Record<string, string>> = {
  af: 'af-ZA',
  ar: 'ar-SA',
  ca: 'ca-ES',
  cs: 'cs-CZ',
  da: 'da-DK',
  de: 'de-DE',
  el: 'el-GR',
  en: 'en-US',
  es: 'es-US',
  eu: 'eu-ES',
  fa: 'fa-IR',
  fi: 'fi-FI',
  fr: 'fr-FR',
  gl: 'gl-ES',
  he: 'he-IL',
  iw: 'he-IL',
  hi: 'hi-IN',
  hr: 'hr-HR',
  id: 'id-ID',
  it: 'it-IT',
  ja: 'ja-JP',
  ko: 'ko-KR',
  lv: 'lv-LV',
  ms: 'ms-MY',
  nl: 'nl-NL',
  no: 'no-NO',
  nb: 'no-NO',
  nn: 'no-NO',
  pl: 'pl-PL',
  pt: 'pt-BR',
  ro: 'ro-RO',
  ru: 'ru-RU',
  sk: 'sk-SK',
  so: 'so-SO',
  sr: 'sr-RS',
  sv: 'sv-SE',
  th: 'th-TH',
  tl: 'tl-PH',
  fil: 'tl-PH',
  uk: 'uk-UA',
  vi: 'vi-VN',
  zh: 'zh-CN',
  zu: 'zu-ZA',
}

/** Canonical `ll-RR` form of a tag such as `de_de`, `DE-at`, `zh-Hant-TW`; undefined for non-tags. */
function canonical(tag: string): { primary: string; region?: string } | undefined {
  const parts = tag.trim().replace(/_/g, '-').split('-').filter(Boolean)
  const primary = parts[0]?.toLowerCase()
  if (!primary || !/^[a-z]{2,3}$/.test(primary)) return undefined
  const region = parts
    .slice(1)
    .find((p) => /^([a-z]{2}|\d{3})$/i.test(p))
    ?.toUpperCase()
  return region ? { primary, region } : { primary }
}

/**
 * Maps an editor UI or story language (`de`, `en`, `de-DE`, `de_at`, `default`, ``) to a Transcribe code.
 * Storyblok's `default` language means "whatever the space's default is", which only the operator knows: fallback.
 */
export function transcribeLanguageFor(tag: string | undefined | null, fallback = 'en-US'): string {
  if (!tag || tag.trim().toLowerCase() === 'default') return fallback
  const c = canonical(tag)
  if (!c) return fallback
  if (c.region) {
    const exact = `${c.primary}-${c.region}`
    if (STREAMING_LANGUAGES.has(exact)) return exact
    // en-GB-style English variants that Transcribe names differently.
    if (c.primary === 'en' && c.region === 'UK') return 'en-GB'
  }
  return PRIMARY_DEFAULT[c.primary] ?? fallback
}
