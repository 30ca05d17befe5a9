import path from 'node:path'
import os from 'node:os'

/** The team's dummy credentials; the simulators accept them. */
export const TEST_AWS = {
  accessKeyId: 'AKIDTESTVOICE0000001',
  secretAccessKey: 'test-secret-voice-assistant',
  region: 'us-east-1',
} as const

const missing = (name: string) => path.join(os.tmpdir(), 'voice-assistant-no-such-dir', name)

/**
 * Removes every AWS_* variable of the machine (keys, profiles, bearer tokens, endpoints) so the SDK's
 * default chain cannot reach real AWS, disables IMDS (probes can hang on CI) and points the shared
 * files at paths that do not exist. Returns a function that restores the previous environment.
 */
export function isolateAwsEnv(env: NodeJS.ProcessEnv = process.env): () => void {
  const saved = { ...env }
  for (const key of Object.keys(env)) if (key.startsWith('AWS_')) delete env[key]
  env['AWS_EC2_METADATA_DISABLED'] = 'true'
  env['AWS_SHARED_CREDENTIALS_FILE'] = missing('credentials')
  env['AWS_CONFIG_FILE'] = missing('config')
  env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true'
  return function restoreAwsEnv() {
    for (const key of Object.keys(env)) if (key.startsWith('AWS_')) delete env[key]
    for (const [key, value] of Object.entries(saved))
      if (key.startsWith('AWS_') && value !== undefined) env[key] = value
  }
}
