/** A Storyblok language code ("de", "pt-br"): anything else must never become part of a content key. */
export const LANGUAGE_CODE = /^[A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8})*$/

const I18N = '__i18n__'

/** True for "no translation": absent, empty, or Storyblok's "default". */
export function isDefaultLanguage(language: string | undefined | null): boolean {
  return !language || language === 'default'
}

/** The content key a value lives under: `headline` or `headline__i18n__de` (a field given as a full key stays as is). */
export function fieldKey(field: string, language?: string | null): string {
  return isDefaultLanguage(language) || field.includes(I18N) ? field : `${field}${I18N}${language}`
}

/** Splits `headline__i18n__de` back into field and language (for clients that send the full key). */
export function splitFieldKey(key: string, language?: string): { field: string; language: string } {
  const at = key.indexOf(I18N)
  if (at > 0) return { field: key.slice(0, at), language: key.slice(at + I18N.length) }
  return { field: key, language: isDefaultLanguage(language) ? 'default' : (language as string) }
}
