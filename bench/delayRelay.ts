import net from 'node:net'

export type DelayRelay = { url: string; port: number; close(): Promise<void> }

/**
 * A loopback TCP relay that holds every byte coming back from the server for a fixed time, in order: a stand-in
 * for the service's processing time that both the direct and the proxied path pay equally.
 */
export async function startDelayRelay(
  targetPort: number,
  { downstreamDelayMs }: { downstreamDelayMs: number },
): Promise<DelayRelay> {
  const sockets = new Set<net.Socket>()
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1')
    sockets.add(client).add(upstream)
    const later = (fn: () => void) => setTimeout(fn, downstreamDelayMs)
    client.on('data', (b) => upstream.write(b))
    client.on('end', () => upstream.end())
    upstream.on('data', (b) => later(() => !client.destroyed && client.write(b)))
    upstream.on('end', () => later(() => client.end()))
    const drop = () => {
      client.destroy()
      upstream.destroy()
      sockets.delete(client)
      sockets.delete(upstream)
    }
    client.on('error', drop).on('close', () => upstream.destroy())
    upstream.on('error', drop).on('close', () => later(() => client.destroy()))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}
