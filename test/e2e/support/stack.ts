import type { Browser, Frame, Page } from 'playwright-core'
import { startEmulator, type Emulator, type EmulatorOptions } from '../../../dev/emulator/startEmulator.ts'
import { DEMO_EDITOR_PAT, DEMO_SPACE_ID } from '../../../dev/simulators/storyblok.ts'
import { addPluginField, startWorld, type World, type WorldOptions } from '../../../dev/world.ts'
import { launchBrowser, pluginFrame } from './browser.ts'

export const FIELD = 'voice_assistant'

export type Stack = {
  world: World
  emulator: Emulator
  browser: Browser
  /** The proxy the plugin talks to. */
  proxyUrl: string
  /** Opens the emulator (query: story, lang, mic, options JSON) and returns the page and the plugin frame. */
  open(query?: Record<string, string>): Promise<{ page: Page; plugin: Frame }>
  close(): Promise<void>
}

/** Emulator first (its plugin origin must be an allowed origin of the proxy), then the world, then the browser. */
export async function startStack({
  world: worldOptions = {},
  emulator: emulatorOptions = {},
}: { world?: WorldOptions; emulator?: EmulatorOptions } = {}): Promise<Stack> {
  const emulator = await startEmulator({
    fieldName: FIELD,
    ...emulatorOptions,
    options: { historyField: FIELD, ...emulatorOptions.options },
  })
  const world = await startWorld({
    ...worldOptions,
    env: { ALLOWED_ORIGINS: emulator.pluginOrigin, ...worldOptions.env },
  })
  addPluginField(world, FIELD)
  const proxyUrl = world.proxyUrl
  emulator.configure({
    proxyUrl,
    proxyKey: world.proxyKey,
    // The emulator's Save is the editor's, not the proxy's: the versions tell them apart.
    storyblok: { url: world.storyblok.url, token: DEMO_EDITOR_PAT, spaceId: DEMO_SPACE_ID },
  })
  const browser = await launchBrowser()
  const pages: Page[] = []
  return {
    world,
    emulator,
    browser,
    proxyUrl,
    async open(query = {}) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
      pages.push(page)
      const url = new URL(emulator.editorUrl)
      for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v)
      await page.goto(url.toString())
      await page.waitForSelector('body[data-ready="true"]')
      const plugin = await pluginFrame(page, emulator.pluginOrigin)
      return { page, plugin }
    },
    async close() {
      await Promise.allSettled(pages.map((p) => p.close()))
      await browser.close().catch(() => undefined)
      await world.close()
      await emulator.close()
    },
  }
}
