import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildPlugin } from './buildPlugin.ts'

/**
 * Builds the plugin for the local emulator: the production bundle, except that it talks to whatever origin embeds
 * it ("ancestor") instead of https://app.storyblok.com. Written to a temporary folder, never over plugin/dist.
 */
export async function buildEmulatorPlugin({ outDir }: { outDir?: string } = {}): Promise<string> {
  const dir = outDir ?? (await mkdtemp(join(tmpdir(), 'va-emulator-plugin-')))
  await buildPlugin({
    outDir: dir,
    mode: 'emulator',
    define: { 'import.meta.env.VITE_SB_CONTAINER_ORIGIN': JSON.stringify('ancestor') },
  })
  return dir
}
