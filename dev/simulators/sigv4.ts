import { createHash } from 'node:crypto'
import { Sha256 } from '@aws-crypto/sha256-js'
import { SignatureV4 } from '@smithy/signature-v4'

/** A key the simulator accepts. A `sessionToken` must then arrive verbatim in `x-amz-security-token`. */
export type SimSecret = {
  secretAccessKey: string
  sessionToken?: string
  /** Temporary credentials stop working here (ExpiredTokenException), as on AWS. */
  expiresAt?: Date
}

export type SigV4Failure = {
  ok: false
  type:
    | 'UnrecognizedClientException'
    | 'InvalidSignatureException'
    | 'MissingAuthenticationTokenException'
    | 'ExpiredTokenException'
  message: string
}

export type SigV4Result = { ok: true; akid: string; signature: string; signingDate: Date } | SigV4Failure

export type VerifySigV4Input = {
  method: string
  /** The request path exactly as received, still percent-encoded (the signer encodes it again, like AWS). */
  rawPath: string
  /** Raw query string without `?` (or already-split pairs). */
  query?: string | Record<string, string | string[]>
  headers: Record<string, string | string[] | undefined>
  body: Uint8Array | string | undefined
  service: string
  region: string
  /** AKID -> secret (and optional session token). Read at call time, so rotation can add keys. */
  secrets: Map<string, SimSecret> | Record<string, SimSecret>
  /** Session tokens that AWS would call expired. */
  expiredTokens?: Set<string>
  /** The server's clock, for skew checks (fake timers must move both clocks). */
  now?: Date
  /** Allowed clock skew; AWS allows 5 minutes. */
  maxSkewMs?: number
}

const STREAMING_PREFIX = 'STREAMING-'
const AUTH_PATTERN =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/

export const SIGV4_MESSAGES = {
  invalidSignature:
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  unrecognizedClient: 'The security token included in the request is invalid.',
  expiredToken: 'The security token included in the request is expired',
  missingAuth: 'Missing Authentication Token',
} as const

/**
 * Verifies an AWS SigV4 request the way the service would, by re-signing it with the known secret.
 * h1 requests sign `host`; h2 requests sign `:authority` (and send no `host`), so the signed-header
 * list from the Authorization header decides which values are rebuilt.
 */
export async function verifySigV4(input: VerifySigV4Input): Promise<SigV4Result> {
  const {
    method,
    rawPath,
    headers,
    body,
    service,
    region,
    expiredTokens,
    now = new Date(),
    maxSkewMs = 5 * 60_000,
  } = input
  const authorization = header(headers, 'authorization')
  if (!authorization) return fail('MissingAuthenticationTokenException', SIGV4_MESSAGES.missingAuth)
  const m = AUTH_PATTERN.exec(authorization)
  if (!m)
    return fail(
      'InvalidSignatureException',
      `Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.`,
    )
  const [, akid = '', , scopeRegion, scopeService, signedList = '', signature = ''] = m

  const token = header(headers, 'x-amz-security-token')
  if (token !== undefined && expiredTokens?.has(token))
    return fail('ExpiredTokenException', SIGV4_MESSAGES.expiredToken)
  const secret = lookup(input.secrets, akid)
  if (!secret) return fail('UnrecognizedClientException', SIGV4_MESSAGES.unrecognizedClient)
  if ((secret.sessionToken ?? undefined) !== token)
    return fail('UnrecognizedClientException', SIGV4_MESSAGES.unrecognizedClient)
  if (secret.expiresAt && secret.expiresAt.getTime() <= now.getTime())
    return fail('ExpiredTokenException', SIGV4_MESSAGES.expiredToken)

  const amzDate = header(headers, 'x-amz-date')
  const signingDate = amzDate ? parseAmzDate(amzDate) : undefined
  if (!amzDate || !signingDate) return fail('InvalidSignatureException', SIGV4_MESSAGES.invalidSignature)
  if (Math.abs(now.getTime() - signingDate.getTime()) > maxSkewMs) {
    const earliest = formatAmzDate(new Date(now.getTime() - maxSkewMs))
    return fail(
      'InvalidSignatureException',
      `Signature expired: ${amzDate} is now earlier than ${earliest} (${formatAmzDate(now)} - 5 min.)`,
    )
  }
  if (scopeRegion !== region || scopeService !== service) {
    return fail('InvalidSignatureException', `Credential should be scoped to a valid region. `)
  }

  // The signer trusts x-amz-content-sha256, so the body hash is checked here.
  const bodyBytes = typeof body === 'string' ? Buffer.from(body) : (body ?? new Uint8Array())
  const declaredHash = header(headers, 'x-amz-content-sha256')
  if (declaredHash !== undefined && !declaredHash.startsWith(STREAMING_PREFIX)) {
    const actual = createHash('sha256').update(bodyBytes).digest('hex')
    if (actual !== declaredHash) return fail('InvalidSignatureException', SIGV4_MESSAGES.invalidSignature)
  }

  const names = signedList.split(';')
  const signedHeaders: Record<string, string> = {}
  for (const name of names) {
    const value = header(headers, name)
    if (value === undefined) return fail('InvalidSignatureException', SIGV4_MESSAGES.invalidSignature)
    signedHeaders[name] = value
  }
  const signer = new SignatureV4({
    service,
    region,
    sha256: Sha256,
    applyChecksum: false,
    credentials: { accessKeyId: akid, secretAccessKey: secret.secretAccessKey, sessionToken: secret.sessionToken },
  })
  const signed = await signer.sign(
    {
      method,
      protocol: 'http:',
      hostname: '127.0.0.1',
      path: rawPath,
      query: parseQuery(input.query),
      headers: signedHeaders,
      body: bodyBytes,
    },
    { signingDate, signableHeaders: new Set(names) },
  )
  const expected = String(signed.headers['authorization'] ?? '')
  if (!expected.endsWith(`Signature=${signature}`) || !expected.includes(`SignedHeaders=${signedList},`)) {
    return fail('InvalidSignatureException', SIGV4_MESSAGES.invalidSignature)
  }
  return { ok: true, akid, signature, signingDate }
}

function fail(type: SigV4Failure['type'], message: string): SigV4Failure {
  return { ok: false, type, message }
}

function header(headers: VerifySigV4Input['headers'], name: string): string | undefined {
  const v = headers[name]
  if (v === undefined) return undefined
  return Array.isArray(v) ? v.join(',') : String(v)
}

function lookup(secrets: VerifySigV4Input['secrets'], akid: string): SimSecret | undefined {
  if (secrets instanceof Map) return secrets.get(akid)
  return Object.prototype.hasOwnProperty.call(secrets, akid) ? secrets[akid] : undefined
}

function parseQuery(query: VerifySigV4Input['query']): Record<string, string | string[]> {
  if (query === undefined) return {}
  if (typeof query !== 'string') return query
  const out: Record<string, string | string[]> = {}
  for (const part of query.split('&')) {
    if (!part) continue
    const eq = part.indexOf('=')
    const key = decodeURIComponent(eq < 0 ? part : part.slice(0, eq))
    const value = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1))
    const prev = out[key]
    out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value]
  }
  return out
}

/** `20261125T151100Z` -> Date. */
export function parseAmzDate(s: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s)
  if (!m) return undefined
  const [, y, mo, d, h, mi, se] = m.map(Number) as [number, number, number, number, number, number, number]
  return new Date(Date.UTC(y, mo - 1, d, h, mi, se))
}

function formatAmzDate(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')
}

/** Splits `/path?query` as received by node:http / node:http2. */
export function splitUrl(url: string): { rawPath: string; query: string } {
  const q = url.indexOf('?')
  return q < 0 ? { rawPath: url, query: '' } : { rawPath: url.slice(0, q), query: url.slice(q + 1) }
}
