export type MicAccess =
  | { type: 'inline'; stream: MediaStream; reason?: never }
  /** The frame may not use the microphone (Permissions Policy, or the user/browser said no): use the recorder window. */
  | { type: 'blocked'; stream?: never; reason: string }
  /** No getUserMedia (insecure context, old browser) or no microphone at all. */
  | { type: 'unsupported'; stream?: never; reason: string }

type PolicyDocument = {
  permissionsPolicy?: { allowsFeature(feature: string): boolean }
  featurePolicy?: { allowsFeature(feature: string): boolean }
}

/** Permissions Policy verdict for this document; undefined when the browser cannot tell (Firefox, Safari). */
export function micAllowedByPolicy(document: unknown): boolean | undefined {
  const d = document as PolicyDocument | undefined
  const policy = d?.permissionsPolicy ?? d?.featurePolicy
  return typeof policy?.allowsFeature === 'function' ? policy.allowsFeature('microphone') : undefined
}

/**
 * Decides inline capture vs the companion window. Call from the click handler: the real getUserMedia attempt
 * is what settles it (a Storyblok iframe without `allow="microphone"` gets NotAllowedError). On success the
 * stream is returned for createMicCapture, so the user is asked once.
 */
export async function detectMicAccess({
  navigator = globalThis.navigator,
  document = globalThis.document,
}: { navigator?: Pick<Navigator, 'mediaDevices'>; document?: unknown } = {}): Promise<MicAccess> {
  if (typeof navigator?.mediaDevices?.getUserMedia !== 'function') {
    return {
      type: 'unsupported',
      reason: 'This browser cannot record audio here (it needs HTTPS and a current browser).',
    }
  }
  if (micAllowedByPolicy(document) === false) {
    return { type: 'blocked', reason: 'The Storyblok editor does not let plugins use the microphone.' }
  }
  try {
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true },
    })
    return { type: 'inline', stream }
  } catch (err) {
    const name = (err as { name?: unknown } | null)?.name
    if (name === 'NotFoundError' || name === 'OverconstrainedError')
      return { type: 'unsupported', reason: 'No microphone was found.' }
    if (name === 'NotReadableError')
      return { type: 'unsupported', reason: 'The microphone is in use by another application.' }
    return { type: 'blocked', reason: 'The microphone is not available inside the editor frame.' }
  }
}
