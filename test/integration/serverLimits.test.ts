/**
 * The real proxy process caps open connections (MAX_CONNECTIONS): connections beyond the cap are closed on arrival,
 * and the ones it holds keep working.
 */
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBedrockSimulator, type BedrockSimulator } from '../../dev/simulators/bedrock.ts'
import { startStoryblokSimulator, type StoryblokSimulator } from '../../dev/simulators/storyblok.ts'
import { simulatorEnv, spawnProxy, type ProxyProcess } from '../support/spawnProxy.ts'

let bedrock: BedrockSimulator
let storyblok: StoryblokSimulator
let proxy: ProxyProcess

beforeAll(async () => {
  ;[bedrock, storyblok] = await Promise.all([startBedrockSimulator(), startStoryblokSimulator()])
  proxy = await spawnProxy({
    env: simulatorEnv(
      { bedrock: bedrock.url, transcribe: 'http://127.0.0.1:9', storyblok: storyblok.url },
      { MAX_CONNECTIONS: '2' },
    ),
  })
}, 60_000)
afterAll(async () => {
  await proxy?.stop()
  await Promise.all([bedrock?.close(), storyblok?.close()])
})

/** Opens a TCP connection, sends one GET /health with keep-alive and resolves with what came back before close. */
function healthOver(socket: net.Socket): Promise<string> {
  return new Promise((resolve) => {
    let got = ''
    const done = () => resolve(got)
    socket.on('data', (d: Buffer) => {
      got += d.toString('utf8')
      if (got.includes('\r\n\r\n') && got.includes('"healthy"')) done()
    })
    socket.on('close', done)
    socket.on('error', done)
    socket.write('GET /health HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n')
  })
}

const connect = (url: string) =>
  new Promise<net.Socket>((resolve, reject) => {
    const { hostname, port } = new URL(url)
    const s = net.connect(Number(port), hostname, () => resolve(s))
    s.once('error', reject)
  })

describe('server limits', () => {
  it('closes connections beyond MAX_CONNECTIONS and keeps serving the ones it holds', async () => {
    const held = [await connect(proxy.url), await connect(proxy.url)]
    try {
      for (const s of held) expect(await healthOver(s)).toMatch(/^HTTP\/1\.1 200/)
      const extra = await connect(proxy.url)
      expect(await healthOver(extra)).toBe('')
      extra.destroy()
      // The held ones still answer: the cap refused only the newcomer.
      expect(await healthOver(held[0]!)).toMatch(/^HTTP\/1\.1 200/)
    } finally {
      for (const s of held) s.destroy()
    }
  })
})
