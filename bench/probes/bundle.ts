import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { build } from 'vite'
import { REPO } from '../spawnServer.ts'

export type BundleSize = { rawKb: number; gzipKb: number }
export type BundleResult = {
  /** P4: plugin/dist/index.js as `npm run build` makes it. */
  plugin: BundleSize
  /** A field plugin that only mounts Vue and calls createFieldPlugin, built with the same config. */
  empty: BundleSize
  /** plugin gzip ÷ empty gzip. */
  ratio: number
}

const CONFIG = path.join(REPO, 'plugin/vite.config.ts')

const EMPTY_APP = `<script setup lang="ts">
import { shallowRef } from 'vue'
import { createFieldPlugin } from '@storyblok/field-plugin'

const content = shallowRef<unknown>()
createFieldPlugin({
  onUpdateState: (state) => {
    if (state.type === 'loaded') content.value = state.data.content
  },
})
</script>

<template>
  <pre>{{ content }}</pre>
</template>
`
const EMPTY_MAIN = `import { createApp } from 'vue'
import App from './App.vue'

createApp(App).mount(document.getElementById('app') ?? document.body)
`
const EMPTY_HTML = `<!doctype html>
<html lang="en"><head><meta charset="UTF-8" /></head>
<body><div id="app"></div><script type="module" src="./src/main.ts"></script></body></html>
`

function sizeOf(file: string): BundleSize {
  const bytes = readFileSync(file)
  return { rawKb: bytes.length / 1000, gzipKb: gzipSync(bytes, { level: 9 }).length / 1000 }
}

async function buildWithPluginConfig(root: string, outDir: string): Promise<string> {
  // The field-plugin Vite plugin prints a deploy hint with console.log after every build; keep the table clean.
  const log = console.log
  console.log = () => {}
  try {
    await build({ configFile: CONFIG, root, envDir: root, logLevel: 'silent', build: { outDir, emptyOutDir: true } })
  } finally {
    console.log = log
  }
  const file = path.join(outDir, 'index.js')
  if (!existsSync(file)) throw new Error(`vite build made no ${file}`)
  return file
}

/** Builds our plugin and an empty field plugin into a temp dir with plugin/vite.config.ts, and gzips both (level 9). */
export async function measureBundle(): Promise<BundleResult> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'voice-bench-bundle-'))
  try {
    const plugin = sizeOf(await buildWithPluginConfig(path.join(REPO, 'plugin'), path.join(tmp, 'plugin-dist')))
    const emptyRoot = path.join(tmp, 'empty-plugin')
    mkdirSync(path.join(emptyRoot, 'src'), { recursive: true })
    writeFileSync(path.join(emptyRoot, 'index.html'), EMPTY_HTML)
    writeFileSync(path.join(emptyRoot, 'src/main.ts'), EMPTY_MAIN)
    writeFileSync(path.join(emptyRoot, 'src/App.vue'), EMPTY_APP)
    // Resolve vue and the field-plugin library from the repo, as the real plugin does.
    symlinkSync(path.join(REPO, 'node_modules'), path.join(emptyRoot, 'node_modules'), 'dir')
    const empty = sizeOf(await buildWithPluginConfig(emptyRoot, path.join(tmp, 'empty-dist')))
    return { plugin, empty, ratio: plugin.gzipKb / empty.gzipKb }
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
}
