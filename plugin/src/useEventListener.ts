import { onScopeDispose } from 'vue'

/** A window listener for the lifetime of the calling component or scope. */
export function useEventListener<K extends keyof WindowEventMap>(
  type: K,
  listener: (e: WindowEventMap[K]) => void,
  { target = globalThis.window }: { target?: Pick<Window, 'addEventListener' | 'removeEventListener'> } = {},
): void {
  target.addEventListener(type, listener)
  onScopeDispose(() => target.removeEventListener(type, listener))
}
