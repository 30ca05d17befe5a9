/** What strict tool use refuses in a schema (Anthropic "strict tool use" / Bedrock structured outputs). */
export function strictSchemaProblem(schema: unknown, path = '', top = true): string | undefined {
  if (typeof schema !== 'object' || schema === null) return undefined
  const s = schema as Record<string, unknown>
  const at = path || 'the schema'
  if (top && 'anyOf' in s) return `${at}: anyOf is not supported at the top level`
  for (const keyword of ['oneOf', 'allOf', 'not', 'maxItems', 'uniqueItems', 'patternProperties'])
    if (keyword in s) return `${at}: "${keyword}" is not supported`
  if (typeof s['minItems'] === 'number' && s['minItems'] > 1) return `${at}: minItems above 1 is not supported`
  if (s['type'] === 'object') {
    if (s['additionalProperties'] !== false) return `${at}: objects need "additionalProperties": false`
    const props = (s['properties'] ?? {}) as Record<string, unknown>
    const required = new Set((s['required'] as string[] | undefined) ?? [])
    const optional = Object.keys(props).find((k) => !required.has(k))
    if (optional) return `${at}: property "${optional}" must be required`
    for (const [k, v] of Object.entries(props)) {
      const p = strictSchemaProblem(v, `${path}.${k}`, false)
      if (p) return p
    }
  }
  if (s['items']) return strictSchemaProblem(s['items'], `${path}[]`, false)
  for (const v of (s['anyOf'] as unknown[] | undefined) ?? []) {
    const p = strictSchemaProblem(v, `${path}|`, false)
    if (p) return p
  }
  return undefined
}

/** The first way `value` breaks `schema` (the subset strict schemas use), or undefined when it conforms. */
export function schemaViolation(schema: unknown, value: unknown, path = '$'): string | undefined {
  if (typeof schema !== 'object' || schema === null) return undefined
  const s = schema as Record<string, unknown>
  if (Array.isArray(s['anyOf']))
    return (s['anyOf'] as unknown[]).some((v) => !schemaViolation(v, value, path))
      ? undefined
      : `${path} matches no anyOf variant`
  if ('const' in s && value !== s['const']) return `${path} must be ${JSON.stringify(s['const'])}`
  if (Array.isArray(s['enum']) && !s['enum'].includes(value)) return `${path} is not one of the enum values`
  const type = s['type']
  const actual = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value
  if (typeof type === 'string' && type !== (actual === 'number' && Number.isInteger(value) ? 'integer' : actual)) {
    if (!(type === 'number' && actual === 'number')) return `${path} must be ${type}`
  }
  if (actual === 'array') {
    const items = s['items']
    for (const [i, v] of (value as unknown[]).entries()) {
      const p = schemaViolation(items, v, `${path}[${i}]`)
      if (p) return p
    }
  }
  if (actual === 'object') {
    const obj = value as Record<string, unknown>
    const props = (s['properties'] ?? {}) as Record<string, unknown>
    for (const k of (s['required'] as string[] | undefined) ?? []) if (!(k in obj)) return `${path}.${k} is missing`
    for (const [k, v] of Object.entries(obj)) {
      if (!(k in props)) {
        if (s['additionalProperties'] === false) return `${path}.${k} is not allowed`
        continue
      }
      const p = schemaViolation(props[k], v, `${path}.${k}`)
      if (p) return p
    }
  }
  return undefined
}
