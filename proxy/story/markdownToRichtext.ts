/**
 * Markdown → Storyblok richtext document. The story domain receives it as an argument: the official converter brings
 * Tiptap and happy-dom, which the edge (proxy/adapters/markdownToRichtext.ts) loads on first need.
 */
export type MarkdownToRichtext = (markdown: string) => unknown
