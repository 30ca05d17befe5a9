import type { Server } from 'node:http'

/**
 * Node's server limits, set on purpose rather than inherited: a client that trickles its headers or body, or opens
 * connections without end, is cut off. Streamed answers are unaffected — `requestTimeout` covers receiving the
 * request, not sending the reply.
 */
export function limitServer(server: Server, { maxConnections }: { maxConnections: number }): void {
  server.headersTimeout = 10_000
  server.requestTimeout = 30_000
  // Longer than an ALB's 60 s idle timeout: the load balancer, not the proxy, closes idle connections, so it never
  // sends a request on a socket the proxy has just closed (a 502 for the editor).
  server.keepAliveTimeout = 65_000
  server.maxConnections = maxConnections
  server.maxRequestsPerSocket = 1000
}
