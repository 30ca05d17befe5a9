import type { MarkdownToRichtext } from '../story/markdownToRichtext.ts'

let loading: Promise<MarkdownToRichtext> | undefined

/**
 * The Markdown → richtext converter, loaded on first need: callers on the request path await it once (it is
 * cached), then pass the synchronous function into the story domain. In the compiled build it is its own chunk, so a
 * starting proxy answers /health before markdown-it is parsed.
 */
export function loadMarkdownToRichtext(): Promise<MarkdownToRichtext> {
  loading ??= import('./markdownItToRichtext.ts').then((m) => m.markdownToRichtext)
  return loading
}
