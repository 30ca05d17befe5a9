import http from 'node:http'
import http2 from 'node:http2'
import net from 'node:net'
import type { AddressInfo } from 'node:net'

export type Handler = (
  req: http.IncomingMessage | http2.Http2ServerRequest,
  res: http.ServerResponse | http2.Http2ServerResponse,
) => void

export type Listening = { url: string; port: number; close: () => Promise<void> }

/**
 * Serves one handler on 127.0.0.1 over HTTP/1.1 and h2c (prior knowledge) on the same port,
 * because the AWS SDK speaks h2c by default and tests sometimes force HTTP/1.1.
 */
export async function listen(handler: Handler, { port = 0, host = '127.0.0.1' } = {}): Promise<Listening> {
  const h1 = http.createServer(handler as http.RequestListener)
  const h2 = http2.createServer(handler as (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => void)
  const sockets = new Set<net.Socket>()
  const sessions = new Set<http2.ServerHttp2Session>()
  h2.on('session', (s) => {
    sessions.add(s)
    s.on('close', () => sessions.delete(s))
  })
  const front = net.createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.once('readable', () => {
      const head: Buffer | null = socket.read(24) ?? socket.read()
      if (head) socket.unshift(head)
      const isH2 = head?.toString('latin1').startsWith('PRI * HTTP/2.0') ?? false
      ;(isH2 ? h2 : h1).emit('connection', socket)
    })
  })
  await new Promise<void>((resolve) => front.listen(port, host, resolve))
  const actual = (front.address() as AddressInfo).port
  return {
    url: `http://${host}:${actual}`,
    port: actual,
    close: async () => {
      for (const s of sessions) s.destroy()
      for (const s of sockets) s.destroy()
      h1.closeAllConnections()
      await new Promise<void>((resolve) => front.close(() => resolve()))
    },
  }
}

/** Reads a whole request body (h1 or h2). */
export async function readBody(req: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const c of req) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c as Uint8Array))
  return Buffer.concat(chunks)
}

/**
 * `res.writeHead(status, headers)` for either protocol: @types/node 24 gives the two response types overloads that
 * TypeScript cannot call through their union, although both accept exactly this form.
 */
export function writeHead(res: Parameters<Handler>[1], status: number, headers: http.OutgoingHttpHeaders): void {
  ;(res as http.ServerResponse).writeHead(status, headers)
}
