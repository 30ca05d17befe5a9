import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'))

describe('deploy configuration', () => {
  const cli = json('storyblok.config.json')
  const pluginConfig = json('plugin/field-plugin.config.json')
  const pkg = json('package.json')

  it('storyblok.config.json uses only Storyblok CLI v4 settings', () => {
    const known = ['region', 'space', 'path', 'api', 'log', 'report', 'ui', 'verbose', 'modules']
    expect(Object.keys(cli).filter((k) => !known.includes(k))).toEqual([])
    expect(['eu', 'us', 'cn', 'ca', 'ap']).toContain(cli.region)
  })

  it('ships the voice_assistant blok where `storyblok components push --from` reads it', () => {
    const from = cli.modules.components.push.from
    const components = json(`${cli.path}/components/${from}/components.json`)
    const blok = components.find((c: { name: string }) => c.name === 'voice_assistant')
    expect(blok).toBeDefined()
    const field = blok.schema.assistant
    expect(field.type).toBe('custom')
    // The field type is the plugin's deployed name (`npm run deploy:plugin --name`).
    expect(pkg.scripts['deploy:plugin']).toContain(`--name ${field.field_type}`)
    // Every option the plugin reads is declared, and every value is a string (Storyblok stores them as plain text).
    const names = pluginConfig.options.map((o: { name: string }) => o.name).sort()
    expect(field.options.map((o: { name: string }) => o.name).sort()).toEqual(names)
    for (const o of [...field.options, ...pluginConfig.options]) expect(typeof o.value).toBe('string')
  })

  it('field-plugin.config.json has only the options key', () => {
    expect(Object.keys(pluginConfig)).toEqual(['options'])
  })
})
