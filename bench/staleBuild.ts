import { readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { COMPILED_PROXY, REPO } from './spawnServer.ts'

/** The newest proxy or shared source file changed after the compiled build, if any: the bench would measure old code. */
export function staleBuild(): string | undefined {
  let built: number
  try {
    built = statSync(path.join(REPO, COMPILED_PROXY)).mtimeMs
  } catch {
    return undefined
  }
  for (const dir of ['proxy', 'shared']) {
    for (const file of readdirSync(path.join(REPO, dir), { recursive: true, encoding: 'utf8' })) {
      if (file.endsWith('.ts') && statSync(path.join(REPO, dir, file)).mtimeMs > built) return path.join(dir, file)
    }
  }
  return undefined
}
