/** A plain JSON object (not null, not an array): what every proxy reply and stored value is checked against first. */
export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
