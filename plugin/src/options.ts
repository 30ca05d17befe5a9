import { isRecord } from '../../shared/isRecord.ts'

/** One quick action: a label on a button and the instruction sent as the prompt. */
export type Preset = { label: string; instruction: string; fieldType?: string }

export type PluginOptions = {
  proxyUrl: string
  proxyKey: string
  /** Storyblok language code for proposals ("" = the story's language in the editor). */
  language: string
  styleGuideStory: string
  presets: Preset[]
  /** Name of this plugin's own field in its block, so the proxy can append the history there. */
  historyField: string
}

/** Which option is wrong and why; the setup screen lists every problem at once. */
export type OptionProblem = {
  option: string
  problem: 'missing' | 'invalid_url' | 'invalid_json' | 'invalid_presets'
  detail?: string
}

export type OptionsResult =
  { ok: true; options: PluginOptions; problems?: never } | { ok: false; problems: OptionProblem[]; options?: never }

export const DEFAULT_PRESETS: Preset[] = [
  { label: 'Shorten', instruction: 'Shorten this text, keeping its meaning.' },
  { label: 'Make it friendlier', instruction: 'Make this text friendlier.' },
  { label: 'Translate into German', instruction: 'Translate the main texts of this story into German.' },
  {
    label: 'Write the SEO description',
    instruction: 'Write the SEO meta description of this story (max. 155 characters).',
    fieldType: 'textarea',
  },
]

function presetFrom(v: unknown): Preset | undefined {
  if (!isRecord(v)) return undefined
  const label = v['label'],
    instruction = v['instruction'],
    fieldType = v['fieldType']
  if (typeof label !== 'string' || !label.trim() || typeof instruction !== 'string' || !instruction.trim())
    return undefined
  if (fieldType !== undefined && typeof fieldType !== 'string') return undefined
  return {
    label: label.trim(),
    instruction: instruction.trim(),
    ...(typeof fieldType === 'string' && fieldType ? { fieldType } : {}),
  }
}

/** `quickActions` is a JSON string (options are strings only): `[{"label","instruction","fieldType"?}]`. */
export function parsePresets(
  raw: string | undefined,
  defaults: Preset[] = DEFAULT_PRESETS,
): { presets: Preset[]; problem?: OptionProblem } {
  if (raw === undefined || raw.trim() === '') return { presets: defaults }
  let json: unknown
  try {
    json = JSON.parse(raw)
  } catch (err) {
    return {
      presets: [],
      problem: {
        option: 'quickActions',
        problem: 'invalid_json',
        detail: err instanceof Error ? err.message : String(err),
      },
    }
  }
  const list = json
  if (!Array.isArray(list))
    return {
      presets: [],
      problem: {
        option: 'quickActions',
        problem: 'invalid_presets',
        detail: 'expected a JSON array of {"label","instruction"}',
      },
    }
  const presets: Preset[] = []
  for (const [i, item] of list.entries()) {
    const preset = presetFrom(item)
    if (!preset)
      return {
        presets: [],
        problem: {
          option: 'quickActions',
          problem: 'invalid_presets',
          detail: `item ${i + 1} needs a non-empty "label" and "instruction"`,
        },
      }
    presets.push(preset)
  }
  return { presets }
}

function checkUrl(raw: string): boolean {
  try {
    const u = new URL(raw)
    return (u.protocol === 'https:' || u.protocol === 'http:') && !u.username && !u.password
  } catch {
    return false
  }
}

/** The field's schema options (all strings) → validated plugin options, or every problem found. */
export function parseOptions(
  raw: Record<string, string | undefined>,
  { defaultPresets = DEFAULT_PRESETS }: { defaultPresets?: Preset[] } = {},
): OptionsResult {
  const problems: OptionProblem[] = []
  const proxyUrl = (raw['proxyUrl'] ?? '').trim()
  const proxyKey = (raw['proxyKey'] ?? '').trim()
  if (!proxyUrl) problems.push({ option: 'proxyUrl', problem: 'missing' })
  else if (!checkUrl(proxyUrl))
    problems.push({
      option: 'proxyUrl',
      problem: 'invalid_url',
      detail: 'use the proxy’s address, starting with https:// (or http:// locally)',
    })
  if (!proxyKey) problems.push({ option: 'proxyKey', problem: 'missing' })
  const { presets, problem } = parsePresets(raw['quickActions'], defaultPresets)
  if (problem) problems.push(problem)
  if (problems.length > 0) return { ok: false, problems }
  return {
    ok: true,
    options: {
      proxyUrl,
      proxyKey,
      language: (raw['language'] ?? '').trim(),
      styleGuideStory: (raw['styleGuideStory'] ?? '').trim(),
      presets,
      historyField: (raw['historyField'] ?? '').trim(),
    },
  }
}
