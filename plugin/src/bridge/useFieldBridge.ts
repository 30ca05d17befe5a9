import {
  createFieldPlugin,
  type FieldPluginActions,
  type FieldPluginData,
  type StoryData,
} from '@storyblok/field-plugin'
import { onScopeDispose, shallowRef, toRaw, type ShallowRef } from 'vue'
import { fieldValueFrom, type FieldValue } from '../history.ts'
import { PluginError } from '../pluginError.ts'
import { withTimeout } from '../withTimeout.ts'

export const ACTION_TIMEOUT_MS = 10_000

export type BridgeState =
  | { type: 'loading'; data?: never; error?: never }
  | { type: 'error'; error: Error; data?: never }
  | { type: 'loaded'; data: FieldPluginData<FieldValue>; error?: never }

export type FieldBridge = {
  state: ShallowRef<BridgeState>
  /** The field's raw model as the editor sent it (before normalising), e.g. to find the field's own name. */
  rawModel: ShallowRef<unknown>
  requestContext(): Promise<StoryData>
  setContent(value: FieldValue): Promise<void>
}

/** The library's state objects are mutated in place by its Vue wrapper; we keep our own plain, frozen copies. */
const plain = <T>(v: T): T => JSON.parse(JSON.stringify(toRaw(v))) as T

/**
 * The container origin: unset in production (the library's default, https://app.storyblok.com). Emulator builds set
 * "ancestor": whatever origin embeds us, for emulators on random test ports. Compared at build time, so production
 * bundles carry none of this.
 */
function containerOrigin(): string | undefined {
  if (import.meta.env.VITE_SB_CONTAINER_ORIGIN !== 'ancestor') return import.meta.env.VITE_SB_CONTAINER_ORIGIN
  const ancestor = window.location.ancestorOrigins?.[0]
  if (ancestor) return ancestor
  try {
    return new URL(document.referrer).origin
  } catch {
    return undefined
  }
}

/**
 * The one place that talks to @storyblok/field-plugin. Call once (App.vue) and pass the result down: each
 * createFieldPlugin call is a separate plugin instance with its own listeners.
 */
export function useFieldBridge({ targetOrigin = containerOrigin() }: { targetOrigin?: string } = {}): FieldBridge {
  const state = shallowRef<BridgeState>({ type: 'loading' })
  const rawModel = shallowRef<unknown>(undefined)
  let actions: FieldPluginActions<FieldValue> | undefined

  const cleanup = createFieldPlugin<FieldValue>({
    // Off: the portal modal remounts the iframe and would lose a recording in progress.
    enablePortalModal: false,
    ...(targetOrigin ? { targetOrigin } : {}),
    validateContent: (raw) => {
      rawModel.value = raw === undefined ? undefined : plain(raw)
      return { content: fieldValueFrom(raw) }
    },
    onUpdateState: (next) => {
      if (next.type === 'loaded') {
        actions = next.actions
        state.value = { type: 'loaded', data: Object.freeze(plain(next.data)) }
      } else if (next.type === 'error') {
        state.value = { type: 'error', error: next.error }
      } else {
        state.value = { type: 'loading' }
      }
    },
  })
  onScopeDispose(cleanup)

  const ready = () => {
    if (!actions)
      throw new PluginError({
        code: 'editor_not_ready',
        message: 'The editor connection is not ready yet.',
        hint: 'Wait a moment, then try again.',
        retryable: true,
      })
    return actions
  }

  return {
    state,
    rawModel,
    requestContext: async () =>
      plain(await withTimeout(ready().requestContext(), ACTION_TIMEOUT_MS, 'the request for the current story')),
    setContent: async (value) => {
      await withTimeout(ready().setContent(plain(value)), ACTION_TIMEOUT_MS, 'the field update')
    },
  }
}
