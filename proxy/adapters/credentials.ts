import type { CredentialCheck, Credentials } from '../deps.ts'
import { bedrockErrorFromAws } from './bedrockErrors.ts'

export type CreateCredentialsOptions = {
  /** Usually `fromNodeProviderChain()` from @aws-sdk/credential-providers, the same one the SDK clients use. */
  provider: AwsCredentialIdentityProvider
  /** AWS_PROFILE as main.ts read it, only to name the profile in the label. @default 'default' */
  profile?: string
}

/** The parts of an AWS credential identity this adapter reads (structural, so any SDK provider fits). */
type Sourced = { accessKeyId: string; expiration?: Date; $source?: Record<string, string> }
type AwsCredentialIdentityProvider = () => Promise<Sourced>

/**
 * Feature ids the SDK stamps on resolved credentials (`$source`, see @aws-sdk/types feature-ids), most specific
 * first: a profile that assumes a role via SSO carries both CREDENTIALS_PROFILE_SSO and CREDENTIALS_SSO.
 */
const SOURCES: Array<[feature: string, label: (profile: string) => string]> = [
  ['CREDENTIALS_CODE', () => 'credentials passed in code'],
  ['CREDENTIALS_PROFILE_SSO', (p) => `SSO (profile ${p})`],
  ['CREDENTIALS_PROFILE_SSO_LEGACY', (p) => `SSO (profile ${p})`],
  ['CREDENTIALS_SSO', () => 'SSO'],
  ['CREDENTIALS_SSO_LEGACY', () => 'SSO'],
  ['CREDENTIALS_PROFILE_PROCESS', (p) => `credential_process (profile ${p})`],
  ['CREDENTIALS_PROCESS', () => 'credential_process'],
  ['CREDENTIALS_PROFILE_STS_WEB_ID_TOKEN', (p) => `web identity (profile ${p})`],
  ['CREDENTIALS_ENV_VARS_STS_WEB_ID_TOKEN', () => 'web identity'],
  ['CREDENTIALS_STS_ASSUME_ROLE_WEB_ID', () => 'web identity'],
  ['CREDENTIALS_PROFILE_LOGIN', (p) => `console login (profile ${p})`],
  ['CREDENTIALS_LOGIN', () => 'console login'],
  ['CREDENTIALS_PROFILE_SOURCE_PROFILE', (p) => `assumed role (profile ${p})`],
  ['CREDENTIALS_PROFILE_NAMED_PROVIDER', (p) => `assumed role (profile ${p})`],
  ['CREDENTIALS_STS_ASSUME_ROLE', () => 'assumed role'],
  ['CREDENTIALS_PROFILE', (p) => `shared credentials file (profile ${p})`],
  ['CREDENTIALS_ENV_VARS', () => 'environment variables'],
  ['CREDENTIALS_HTTP', () => 'container role (ECS)'],
  ['CREDENTIALS_IMDS', () => 'EC2 instance role'],
]

/** Names where resolved credentials came from (never their values). */
export function credentialSourceLabel(credentials: Sourced, profile = 'default'): string {
  const source = credentials.$source ?? {}
  for (const [feature, label] of SOURCES) if (feature in source) return label(profile)
  return 'unknown source'
}

/** The `Credentials` port: resolves the default chain once per call (the provider memoizes). */
export function createCredentials({ provider, profile = 'default' }: CreateCredentialsOptions): Credentials {
  return {
    async check(): Promise<CredentialCheck> {
      try {
        const creds = (await provider()) as Sourced
        const expiresAt = creds.expiration
        return { ok: true, source: credentialSourceLabel(creds, profile), ...(expiresAt ? { expiresAt } : {}) }
      } catch (err) {
        const mapped = bedrockErrorFromAws(err, { modelId: '', region: '' })
        if (mapped.code === 'aws_credentials_missing')
          return { ok: false, error: `${mapped.message} ${mapped.hint ?? ''}`.trim() }
        // The provider's own text (e.g. a credential_process's stderr) may reveal too much for a public /ready:
        // it goes to the operator's log only.
        const name = (err as { name?: string })?.name ?? 'Error'
        return {
          ok: false,
          error: `AWS credentials could not be resolved (${name}); the proxy log has the details.`,
          detail: describe(err),
        }
      }
    },
  }
}

function describe(err: unknown): string {
  const e = err as { name?: string; message?: string }
  const text = (e?.message ?? String(err)).replace(/\s+/g, ' ').slice(0, 300)
  return e?.name && e.name !== 'Error' ? `${e.name}: ${text}` : text
}
