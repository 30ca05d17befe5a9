import type { Log, LogFields } from './deps.ts'

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const
export type LogLevel = keyof typeof LEVELS

const SECRET_KEYS = /authorization|token|secret|password|api[-_]?key|credential|cookie|signature/i
// Shapes redacted wherever they appear, whatever the key: AWS access key ids and bearer values that slip into messages.
const SECRET_PATTERNS = [/\b(?:AKIA|ASIA|AKID)[A-Z0-9]{12,}\b/g, /\bBearer\s+[\w.~+/=-]+/gi]

const isSecretShaped = (x: unknown) => typeof x === 'string' || (typeof x === 'object' && x !== null)

export type CreateLogOptions = {
  level?: LogLevel
  /** Exact secret values to scrub wherever they appear (tokens, proxy keys). */
  secrets?: string[]
  write?: (line: string) => void
  now?: () => number
}

/** JSON lines logger that redacts secrets by key name, by known value and by shape. */
export function createLog({
  level = 'info',
  secrets = [],
  write = (l) => process.stdout.write(l + '\n'),
  now = Date.now,
}: CreateLogOptions = {}): Log {
  const known = secrets.filter((s) => s.length >= 6)
  const scrubString = (s: string): string => {
    let out = s
    for (const secret of known) out = out.split(secret).join('[redacted]')
    for (const p of SECRET_PATTERNS) out = out.replace(p, '[redacted]')
    return out
  }
  const scrub = (value: unknown, depth = 0): unknown => {
    if (typeof value === 'string') return scrubString(value)
    if (value === null || typeof value !== 'object') return value
    // What is not inspected is not written: a deeply nested SDK object could still hold a request header.
    if (depth > 6) return '[too deep]'
    if (value instanceof Error) return { name: value.name, message: scrubString(value.message) }
    if (Array.isArray(value)) return value.map((x) => scrub(x, depth + 1))
    return Object.fromEntries(
      // Numbers stay: `inputTokens` is a count, not a token.
      Object.entries(value).map(([k, x]) => [
        k,
        SECRET_KEYS.test(k) && isSecretShaped(x) ? '[redacted]' : scrub(x, depth + 1),
      ]),
    )
  }
  const emit = (lvl: LogLevel) => (msg: string, fields?: LogFields) => {
    if (LEVELS[lvl] < LEVELS[level]) return
    const record = {
      time: new Date(now()).toISOString(),
      level: lvl,
      msg: scrubString(msg),
      ...(fields ? (scrub(fields) as object) : {}),
    }
    write(JSON.stringify(record))
  }
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') }
}
