type Convert = (markdown: string) => unknown

let convert: Convert | undefined
let loading: Promise<Convert> | undefined

/**
 * Loads the official Markdown → Storyblok richtext converter on first need: it brings Tiptap and happy-dom
 * (~60 MB, ~0.4 s), which a proxy that only streams text, or is just starting, should not pay for.
 */
export function loadMarkdownToRichtext(): Promise<Convert> {
  loading ??= import('@storyblok/richtext/markdown-parser').then(
    (m) => (convert = m.markdownToStoryblokRichtext as Convert),
  )
  return loading
}

/** Synchronous once `loadMarkdownToRichtext()` has resolved; callers on the request path await that first. */
export function markdownToRichtext(markdown: string): unknown {
  if (!convert) throw new Error('markdownToRichtext() called before loadMarkdownToRichtext() resolved')
  return convert(markdown)
}
