/**
 * Markdown → Storyblok richtext document. The story domain receives it as an argument, so it stays pure; the edge
 * (proxy/adapters/markdownToRichtext.ts, markdown-it, loaded on first need) provides it.
 */
export type MarkdownToRichtext = (markdown: string) => unknown
