import type { MarkdownToRichtext } from '../story/markdownToRichtext.ts'

let loading: Promise<MarkdownToRichtext> | undefined

/**
 * Loads the official Markdown → Storyblok richtext converter on first need: it brings Tiptap and happy-dom
 * (~60 MB, ~0.4 s), which a proxy that only streams text, or is just starting, should not pay for.
 */
export function loadMarkdownToRichtext(): Promise<MarkdownToRichtext> {
  loading ??= import('@storyblok/richtext/markdown-parser').then(
    (m) => m.markdownToStoryblokRichtext as MarkdownToRichtext,
  )
  return loading
}
