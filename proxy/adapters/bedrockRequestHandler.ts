import http from 'node:http'
import https from 'node:https'
import { NodeHttpHandler } from '@smithy/node-http-handler'

/**
 * HTTP/1.1 over kept-alive connections for Converse and ConverseStream. The SDK's default for this client is
 * HTTP/2 with a new, isolated session for every event stream: a TCP (and, against AWS, TLS) handshake and an HTTP/2
 * session per answer, in CPU and in memory per live stream. ConverseStream is a plain streamed response, so
 * HTTP/1.1 carries it as well; the bidirectional operations that need HTTP/2 are not used by the proxy.
 */
export function bedrockRequestHandler(): NodeHttpHandler {
  // Idle sockets are dropped after 4 s, well before a server's keep-alive timeout, so a reuse never races its close.
  const options = { keepAlive: true, maxSockets: Infinity, timeout: 4_000 }
  return new NodeHttpHandler({
    httpAgent: new http.Agent(options),
    httpsAgent: new https.Agent(options),
  })
}
