import { randomBytes } from 'node:crypto'
import { listen, writeHead } from './listen.ts'
import type { SimSecret } from './sigv4.ts'

export type IssuedCredentials = {
  AccessKeyId: string
  SecretAccessKey: string
  Token: string
  Expiration: string
}

export type ContainerCredentialsOptions = {
  /** Path served; the full URI is `url`. @default '/creds' */
  path?: string
  /** When set, requests must send exactly this `Authorization` (AWS_CONTAINER_AUTHORIZATION_TOKEN). */
  authToken?: string
  /** Lifetime of each issued set. The SDK refreshes when < 5 min are left. @default 3600000 */
  ttlMs?: number
  /** A new key/token pair on every fetch (true) or the same pair until it expires (false). @default true */
  rotate?: boolean
  /**
   * Where issued keys are registered so a Bedrock simulator accepts them (pass `bedrockSim.secrets`).
   * Each key stops working at its Expiration (ExpiredTokenException), like a real role session.
   */
  secrets?: Map<string, SimSecret>
  now?: () => Date
}

export type ContainerCredentialsSimulator = {
  /** Value for AWS_CONTAINER_CREDENTIALS_FULL_URI. */
  url: string
  /** Successful fetches so far. */
  readonly fetches: number
  /** Every request, including rejected ones (no header values kept). */
  requests: Array<{ at: number; authorized: boolean; status: number }>
  issued: IssuedCredentials[]
  setTtl(ms: number): void
  /** Answer the next `count` fetches with this HTTP status (e.g. 500) instead of credentials. */
  failNext(status: number, count?: number): void
  close(): Promise<void>
}

/** Loopback ECS container-credentials endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI). */
export async function startContainerCredentials(
  opts: ContainerCredentialsOptions = {},
): Promise<ContainerCredentialsSimulator> {
  const { path = '/creds', authToken, rotate = true, secrets, now = () => new Date() } = opts
  let ttlMs = opts.ttlMs ?? 3_600_000
  let fetches = 0
  let failures: { status: number; count: number } | undefined
  const issued: IssuedCredentials[] = []
  const requests: ContainerCredentialsSimulator['requests'] = []

  const issue = (): IssuedCredentials => {
    const current = issued.at(-1)
    if (current && !rotate && Date.parse(current.Expiration) > now().getTime()) return current
    const n = issued.length + 1
    const expiresAt = new Date(now().getTime() + ttlMs)
    const creds: IssuedCredentials = {
      AccessKeyId: `ASIACONTAINER${String(n).padStart(7, '0')}`,
      SecretAccessKey: `container-secret-${n}-${randomBytes(6).toString('hex')}`,
      Token: `container-token-${n}-${randomBytes(12).toString('hex')}`,
      Expiration: expiresAt.toISOString(),
    }
    secrets?.set(creds.AccessKeyId, { secretAccessKey: creds.SecretAccessKey, sessionToken: creds.Token, expiresAt })
    issued.push(creds)
    return creds
  }

  const server = await listen(function containerCredentials(req, res) {
    const authorized = authToken === undefined || req.headers['authorization'] === authToken
    const send = (status: number, body: unknown) => {
      requests.push({ at: Date.now(), authorized, status })
      writeHead(res, status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    }
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== path) return send(404, { message: 'Not Found' })
    if (!authorized) return send(401, { message: 'Unauthorized' })
    if (failures && failures.count > 0) {
      failures.count--
      return send(failures.status, { message: 'Simulated failure' })
    }
    fetches++
    send(200, { ...issue(), Code: 'Success', Type: 'AWS-HMAC', LastUpdated: now().toISOString() })
  })

  return {
    url: `${server.url}${path}`,
    get fetches() {
      return fetches
    },
    requests,
    issued,
    setTtl: (ms) => void (ttlMs = ms),
    failNext: (status, count = 1) => void (failures = { status, count }),
    close: server.close,
  }
}
