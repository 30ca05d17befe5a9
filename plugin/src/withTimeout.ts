import { PluginError } from './pluginError.ts'

/** The field-plugin library's actions never time out (a dropped reply hangs forever), so every call gets a deadline. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new PluginError({
            code: 'timeout',
            message: `The editor did not answer ${what} within ${Math.round(ms / 1000)} s.`,
            hint: 'Reload the story and try again.',
          }),
        ),
      ms,
    )
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
