import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { transform } from 'esbuild'
import { buildEmulatorPlugin } from './buildEmulatorPlugin.ts'

export type EmulatorOptions = {
  /** A folder holding an emulator build of the plugin (index.js); built into a temp folder when omitted. */
  pluginDir?: string
  proxyUrl?: string
  proxyKey?: string
  /** Management API (simulator or real) the story picker reads from, through this server (the token stays here). */
  storyblok?: { url: string; token: string; spaceId: number }
  /** Editor page port on 127.0.0.1 (0 = any). */
  port?: number
  /** Plugin port; served as http://localhost:<port>, a different origin from the editor. */
  pluginPort?: number
  /** The plugin's own field in the root block (its value is the plugin's model). */
  fieldName?: string
  /** Further schema options (strings), e.g. quickActions or styleGuideStory. */
  options?: Record<string, string>
}

export type Emulator = {
  editorUrl: string
  pluginUrl: string
  pluginOrigin: string
  /** Late binding: the proxy's allowed origins may need pluginOrigin before the proxy exists. */
  configure(next: Pick<EmulatorOptions, 'proxyUrl' | 'proxyKey' | 'storyblok' | 'options'>): void
  close(): Promise<void>
}

const here = fileURLToPath(new URL('.', import.meta.url))

const PLUGIN_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Voice assistant plugin</title></head><body><script src="index.js"></script></body></html>`

function listenOn(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))
  })
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer) {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' })
  res.end(body)
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const c of req) chunks.push(c as Buffer)
  return Buffer.concat(chunks)
}

/** Starts the editor emulator page and the plugin host on two loopback origins. */
export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const pluginDir = opts.pluginDir ?? (await buildEmulatorPlugin())
  const fieldName = opts.fieldName ?? 'voice_assistant'
  let current = {
    proxyUrl: opts.proxyUrl ?? '',
    proxyKey: opts.proxyKey ?? '',
    storyblok: opts.storyblok,
    options: opts.options ?? {},
  }
  const editorJs = (
    await transform(await readFile(join(here, 'editor.ts'), 'utf8'), { loader: 'ts', format: 'esm', target: 'es2022' })
  ).code
  const editorHtml = await readFile(join(here, 'editor.html'), 'utf8')

  const pluginServer = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    if (path === '/' || path === '/index.html') return send(res, 200, 'text/html; charset=utf-8', PLUGIN_PAGE)
    if (path === '/index.js') {
      readFile(join(pluginDir, 'index.js')).then(
        (js) => send(res, 200, 'text/javascript; charset=utf-8', js),
        () => send(res, 404, 'text/plain', 'run the build first'),
      )
      return
    }
    send(res, 404, 'text/plain', 'not found')
  })
  const pluginPort = await listenOn(pluginServer, opts.pluginPort ?? 0)
  const pluginOrigin = `http://localhost:${pluginPort}`

  async function simulator(req: IncomingMessage, res: ServerResponse, rest: string, search: string) {
    const sb = current.storyblok
    if (!sb) return send(res, 503, 'application/json', JSON.stringify({ error: 'no Storyblok configured' }))
    // The query goes along (release_id): the editor reads and saves a release's copy like Storyblok does.
    const target = `${sb.url.replace(/\/$/, '')}/v1/spaces/${sb.spaceId}/stories${rest}${search}`
    const body = req.method === 'PUT' ? await readBody(req) : undefined
    const upstream = await fetch(target, {
      method: req.method ?? 'GET',
      headers: { authorization: sb.token, 'content-type': 'application/json' },
      ...(body ? { body: new Uint8Array(body) } : {}),
    })
    send(res, upstream.status, 'application/json', Buffer.from(await upstream.arrayBuffer()))
  }

  const editorServer = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    if (path === '/' || path === '/editor.html') return send(res, 200, 'text/html; charset=utf-8', editorHtml)
    if (path === '/editor.js') return send(res, 200, 'text/javascript; charset=utf-8', editorJs)
    if (path === '/config.json') {
      return send(
        res,
        200,
        'application/json',
        JSON.stringify({
          pluginUrl: `${pluginOrigin}/`,
          spaceId: current.storyblok?.spaceId ?? 0,
          fieldName,
          fieldType: 'storyblok-voice-assistant',
          // Exactly what an admin would type into the field's options in the Block Library (plain-text strings).
          // historyField stays empty unless given: the proxy accepts it only when the space's schema has that custom field.
          options: {
            proxyUrl: current.proxyUrl,
            proxyKey: current.proxyKey,
            language: '',
            styleGuideStory: '',
            quickActions: '',
            historyField: '',
            ...current.options,
          },
        }),
      )
    }
    const sim = /^\/sim\/stories(\/\d+)?$/.exec(path)
    if (sim && (req.method === 'GET' || (req.method === 'PUT' && sim[1]))) {
      simulator(req, res, sim[1] ?? '', new URL(req.url ?? '/', 'http://x').search).catch((err: unknown) =>
        send(res, 502, 'application/json', JSON.stringify({ error: String(err) })),
      )
      return
    }
    if (path === '/favicon.ico') return send(res, 204, 'image/x-icon', '')
    send(res, 404, 'text/plain', 'not found')
  })
  const editorPort = await listenOn(editorServer, opts.port ?? 0)

  const close = (s: Server) =>
    new Promise<void>((resolve) => {
      s.closeAllConnections()
      s.close(() => resolve())
    })
  return {
    // Same site as the plugin (localhost, another port: still cross-origin), as app.storyblok.com and
    // plugins.storyblok.com are: Chromium gives a cross-site iframe no storage, Storyblok's plugin has sessionStorage.
    editorUrl: `http://localhost:${editorPort}/`,
    pluginUrl: `${pluginOrigin}/`,
    pluginOrigin,
    configure(next) {
      current = { ...current, ...next, options: { ...current.options, ...next.options } }
    },
    close: async () => {
      await Promise.all([close(editorServer), close(pluginServer)])
    },
  }
}
