import { computed, inject, provide, type InjectionKey, type Ref } from 'vue'
import { messagesFor, type Messages } from './i18n.ts'

const MESSAGES: InjectionKey<Readonly<Ref<Messages>>> = Symbol('messages')
const english = computed(() => messagesFor(undefined))

/** Makes `messages` (the editor's interface language) what every component below reads through useMessages(). */
export function provideMessages(messages: Readonly<Ref<Messages>>): void {
  provide(MESSAGES, messages)
}

/** The UI strings in the editor's interface language; English outside a provider (e.g. a component on its own). */
export function useMessages(): Readonly<Ref<Messages>> {
  return inject(MESSAGES, english)
}
