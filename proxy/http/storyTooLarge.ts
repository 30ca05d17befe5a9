import { AppError } from './appError.ts'

/** One message for the 5 MB limit, whether the route's plan or the adapter's last check catches it. */
export function storyTooLarge(bytes: number): AppError {
  return new AppError({
    code: 'story_too_large',
    message: `The story would be ${(bytes / 1024 / 1024).toFixed(1)} MB; Storyblok stores at most 5 MB per story.`,
    hint: 'Nothing was saved. Shorten the content or split it across stories.',
  })
}
