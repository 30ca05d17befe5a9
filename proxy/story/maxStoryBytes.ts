/** Storyblok's story JSON limit. */
export const MAX_STORY_BYTES = 5 * 1024 * 1024
