/// <reference types="vite/client" />
declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}

interface ImportMetaEnv {
  /** Set only for the local editor emulator: the origin the plugin talks to, or "ancestor" for the embedding page's. */
  readonly VITE_SB_CONTAINER_ORIGIN?: string
}
