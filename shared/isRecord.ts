/** A plain JSON object (not null, not an array): the shape every untrusted value is checked against first. */
export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)
