import type { Blok, Component } from '../../../proxy/deps.ts'
import { DEMO_STORY_IDS, storyblokDemoSeed, type SeedStory } from '../../../dev/simulators/storyblokSeed.ts'

/** The simulator's demo stories over the real fixture components (fresh copies per call). */
export function demo(): { components: Component[]; home: SeedStory; article: SeedStory } {
  const space = storyblokDemoSeed().spaces[0]!
  const find = (id: number) => space.stories.find((s) => s.id === id)!
  return { components: space.components, home: find(DEMO_STORY_IDS.home), article: find(DEMO_STORY_IDS.article) }
}

export const component = (components: Component[], name: string): Component => components.find((c) => c.name === name)!

export function blok(root: Blok, uid: string): Blok {
  let found: Blok | undefined
  JSON.stringify(root, (_k, v: unknown) => {
    if (!found && typeof v === 'object' && v !== null && (v as Blok)._uid === uid) found = v as Blok
    return v
  })
  return found!
}
