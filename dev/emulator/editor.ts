/**
 * The local Storyblok editor emulator (browser side). Speaks the real container protocol of @storyblok/field-plugin
 * 1.7.1 to the plugin in a cross-origin iframe: loaded/state-changed with the full state, get-context with the draft
 * story, heightChange, update. Stories come from the Storyblok simulator through this page's own server (/sim/...).
 *
 * Like the Visual Editor it keeps an open copy of the story (shown in the canvas): "Save" sends that copy back
 * whole, however old it is — which is how a save after an API write reverts it. Query switches: `release` (+
 * `releaseName`) opens a release's copy; `sandbox=1` answers get-context without a callback id, as Storyblok's
 * official field-plugin sandbox does; `lockedBy` shows the banner of a story another user has locked (the lock itself
 * lives in the Management API simulator).
 */
export {}

type EmulatorConfig = {
  pluginUrl: string
  spaceId: number
  fieldName: string
  fieldType: string
  options: Record<string, string>
}
type Story = { id: number; name: string; full_slug: string; content: Record<string, unknown> }
type Msg = Record<string, unknown>

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T
const params = new URLSearchParams(location.search)
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

const config: EmulatorConfig = await (await fetch('/config.json')).json()
const pluginOrigin = new URL(config.pluginUrl).origin
let options: Record<string, string> = { ...config.options, ...JSON.parse(params.get('options') ?? '{}') }
let uid = ''
let frame: HTMLIFrameElement | undefined
let saved: Story | undefined
let draft: Story | undefined
let model: unknown = ''
let isModalOpen = false
const releaseId = params.get('release') ? Number(params.get('release')) : undefined
const releaseName = params.get('releaseName') ?? `Release ${releaseId ?? ''}`
const sandbox = params.get('sandbox') === '1'
const releaseQuery = () => (releaseId ? `?release_id=${releaseId}` : '')

function log(line: string) {
  const el = $('log')
  el.textContent = `${new Date().toISOString().slice(11, 19)} ${line}\n${el.textContent ?? ''}`.slice(0, 6000)
}

function state(): Msg {
  const story: Story = draft ?? { id: 0, name: '', full_slug: '', content: { component: 'page' } }
  return {
    uid,
    language: params.get('storyLang') ?? '',
    interfaceLanguage: $<HTMLSelectElement>('lang').value,
    spaceId: config.spaceId,
    userId: 1,
    storyId: story.id || undefined,
    blockId: typeof story.content['_uid'] === 'string' ? story.content['_uid'] : undefined,
    token: null,
    isAIEnabled: false,
    isModalOpen,
    releases: releaseId
      ? [
          {
            id: releaseId,
            name: releaseName,
            created_at: '',
            release_at: '',
            released: false,
            uuid: '',
            branches_to_deploy: [],
            timezone: 'UTC',
          },
        ]
      : [],
    releaseId,
    model,
    story: JSON.parse(JSON.stringify(story)),
    schema: {
      field_type: config.fieldType,
      translatable: false,
      options: Object.entries(options).map(([name, value]) => ({ name, value: String(value) })),
    },
  }
}

function reply(msg: Msg) {
  if (params.get('drop') === msg['action']) return log(`dropped ${String(msg['action'])} (emulator switch)`)
  frame?.contentWindow?.postMessage({ uid, ...msg }, pluginOrigin)
}

window.addEventListener('message', ({ origin, data }: MessageEvent) => {
  if (origin !== pluginOrigin || !isRecord(data) || data['uid'] !== uid) return
  if (data['action'] !== 'plugin-changed' && data['action'] !== 'prompt-ai') return
  const cb = typeof data['callbackId'] === 'string' ? data['callbackId'] : undefined
  const event = String(data['event'])
  if (event !== 'heightChange') log(`← ${event}`)
  switch (event) {
    case 'loaded':
      return reply({ ...state(), action: 'loaded', callbackId: cb })
    case 'update':
      model = data['model']
      showModel()
      if (draft) {
        draft.content[config.fieldName] = model
        markDirty()
      }
      return reply({ ...state(), action: 'state-changed', callbackId: cb })
    case 'toggleModal':
      isModalOpen = data['status'] === true
      return reply({ ...state(), action: 'state-changed', callbackId: cb })
    case 'heightChange':
      if (frame && typeof data['height'] === 'number') frame.style.height = `${data['height']}px`
      return
    case 'getContext':
      // Storyblok's sandbox answers without the callback id, so the library never resolves requestContext().
      return reply({
        action: 'get-context',
        ...(sandbox ? {} : { callbackId: cb }),
        story: JSON.parse(JSON.stringify(draft ?? { content: {} })),
      })
    case 'getUserContext':
      return reply({ action: 'get-user-context', callbackId: cb, user: { isSpaceAdmin: true, permissions: undefined } })
    case 'previewDimension':
      return reply({ action: 'preview-dimension', callbackId: cb })
    case 'promptAI':
      return reply({
        action: 'prompt-ai',
        callbackId: cb,
        aiResponse: { ok: false, error: 'Storyblok AI is not available in the emulator' },
      })
    default:
      return undefined
  }
})

function showModel() {
  $('model').textContent = model === '' || model === undefined ? '""' : JSON.stringify(model, null, 2)
}

function markDirty() {
  const dirty = JSON.stringify(draft?.content) !== JSON.stringify(saved?.content)
  $('dirty').textContent = dirty ? 'Unsaved changes' : 'Saved'
  showCanvas()
}

/** Plain text of a richtext document (enough for the canvas). */
function richText(node: unknown): string {
  if (!isRecord(node)) return ''
  if (typeof node['text'] === 'string') return node['text']
  const parts = Array.isArray(node['content']) ? node['content'].map(richText) : []
  return parts.join(node['type'] === 'doc' ? '\n' : '')
}

/** The open copy as the editor's preview would show it: every block with its text fields. */
function showCanvas() {
  const rows: HTMLElement[] = []
  const walk = (node: unknown, depth: number) => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n, depth))
    if (!isRecord(node) || typeof node['component'] !== 'string') return
    const block = document.createElement('div')
    block.className = 'block'
    block.style.marginLeft = `${depth * 12}px`
    block.dataset['uid'] = String(node['_uid'] ?? '')
    const title = Object.assign(document.createElement('div'), { className: 'muted', textContent: node['component'] })
    block.append(title)
    for (const [key, value] of Object.entries(node)) {
      if (key.startsWith('_') || key === 'component' || key === config.fieldName) continue
      const text = typeof value === 'string' ? value : isRecord(value) && value['type'] === 'doc' ? richText(value) : ''
      if (!text) continue
      const line = document.createElement('div')
      line.dataset['field'] = key
      line.append(Object.assign(document.createElement('b'), { textContent: `${key}: ` }), text)
      block.append(line)
    }
    rows.push(block)
    for (const value of Object.values(node)) if (typeof value === 'object') walk(value, depth + 1)
  }
  walk(draft?.content, 0)
  $('canvas').replaceChildren(...rows)
}

/** Like Storyblok: opening a story (re)creates the field's iframe with a fresh uid. */
function mountPlugin() {
  uid = crypto.randomUUID()
  frame?.remove()
  frame = document.createElement('iframe')
  frame.title = 'Voice assistant field plugin'
  frame.dataset['testid'] = 'plugin-frame'
  if ($<HTMLInputElement>('mic').checked) frame.setAttribute('allow', 'microphone')
  const url = new URL(config.pluginUrl)
  url.search = new URLSearchParams({ protocol: location.protocol, host: location.host, uid, preview: '1' }).toString()
  frame.src = url.toString()
  $('frame-host').append(frame)
}

function textTargets(node: unknown, path: string, out: Array<{ uid: string; field: string; label: string }>) {
  if (Array.isArray(node)) return node.forEach((n, i) => textTargets(n, `${path} ${i + 1}`, out))
  if (!isRecord(node)) return
  const blockUid = node['_uid']
  const label = `${path}${typeof node['component'] === 'string' ? ` ${node['component']}` : ''}`.trim()
  for (const [key, value] of Object.entries(node)) {
    if (typeof value === 'string' && typeof blockUid === 'string' && !key.startsWith('_') && key !== 'component')
      out.push({ uid: blockUid, field: key, label: `${label} › ${key}` })
    else if (typeof value === 'object') textTargets(value, label, out)
  }
}

async function loadStory(id: number) {
  const res = await fetch(`/sim/stories/${id}${releaseQuery()}`)
  const body: unknown = await res.json()
  if (!isRecord(body) || !isRecord(body['story'])) throw new Error(`could not load story ${id}`)
  saved = body['story'] as Story
  draft = JSON.parse(JSON.stringify(saved)) as Story
  model = draft.content[config.fieldName] ?? ''
  showModel()
  markDirty()
  const targets: Array<{ uid: string; field: string; label: string }> = []
  textTargets(draft.content, '', targets)
  $('edit-target').replaceChildren(
    ...targets.map((t) =>
      Object.assign(document.createElement('option'), { value: `${t.uid}|${t.field}`, textContent: t.label }),
    ),
  )
  mountPlugin()
}

function findBlock(node: unknown, blockUid: string): Record<string, unknown> | undefined {
  if (Array.isArray(node)) {
    for (const n of node) {
      const f = findBlock(n, blockUid)
      if (f) return f
    }
    return undefined
  }
  if (!isRecord(node)) return undefined
  if (node['_uid'] === blockUid) return node
  for (const v of Object.values(node)) {
    const f = typeof v === 'object' ? findBlock(v, blockUid) : undefined
    if (f) return f
  }
  return undefined
}

$('edit-apply').addEventListener('click', () => {
  const [blockUid, field] = $<HTMLSelectElement>('edit-target').value.split('|')
  const block = draft && blockUid ? findBlock(draft.content, blockUid) : undefined
  if (!block || !field) return
  block[field] = $<HTMLInputElement>('edit-value').value
  markDirty()
  log(`draft edited: ${field}`)
  // Storyblok pushes the new story to every field plugin when the draft changes.
  reply({ ...state(), action: 'state-changed' })
})

$('save').addEventListener('click', async () => {
  if (!draft) return
  // The whole open copy, as the Visual Editor saves it.
  const res = await fetch(`/sim/stories/${draft.id}${releaseQuery()}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ story: { content: draft.content }, ...(releaseId ? { release_id: releaseId } : {}) }),
  })
  log(`saved: ${res.status}`)
  if (res.ok) await loadStory(draft.id)
})

$('reload').addEventListener('click', () => {
  if (draft) void loadStory(draft.id)
})
$('mic').addEventListener('change', mountPlugin)
$('lang').addEventListener('change', mountPlugin)
$('story').addEventListener('change', () => void loadStory(Number($<HTMLSelectElement>('story').value)))
$('options-apply').addEventListener('click', () => {
  options = JSON.parse($<HTMLTextAreaElement>('options').value)
  mountPlugin()
})

$('field-name').textContent = config.fieldName
const banners = [
  releaseId ? `Release: ${releaseName}` : '',
  sandbox ? 'Sandbox mode: get-context is answered without a callback id' : '',
  params.get('lockedBy') ? `Locked: ${params.get('lockedBy')} is editing this story` : '',
].filter(Boolean)
$('banner').textContent = banners.join(' · ')
$('banner').hidden = banners.length === 0
$('plugin-origin').textContent = pluginOrigin
$<HTMLTextAreaElement>('options').value = JSON.stringify(options, null, 2)
$<HTMLSelectElement>('lang').value = params.get('lang') ?? 'en'
$<HTMLInputElement>('mic').checked = params.get('mic') !== '0'

const list: unknown = await (await fetch('/sim/stories')).json()
const stories = isRecord(list) && Array.isArray(list['stories']) ? list['stories'].filter(isRecord) : []
$('story').replaceChildren(
  ...stories.map((s) =>
    Object.assign(document.createElement('option'), {
      value: String(s['id']),
      textContent: `${String(s['name'])} (${String(s['full_slug'])})`,
    }),
  ),
)
const first = Number(params.get('story') ?? stories[0]?.['id'] ?? 0)
$<HTMLSelectElement>('story').value = String(first)
await loadStory(first)
document.body.dataset['ready'] = 'true'
