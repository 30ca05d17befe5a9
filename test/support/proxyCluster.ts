/**
 * Several real proxy processes sharing one real redis-server, in front of one set of simulators: what two or three
 * ECS tasks behind a load balancer look like, on loopback.
 */
import { startBedrockSimulator, type BedrockSimulator } from '../../dev/simulators/bedrock.ts'
import { startRedisServer, type RedisServer } from '../../dev/simulators/redisServer.ts'
import { startStoryblokSimulator, type StoryblokSimulator } from '../../dev/simulators/storyblok.ts'
import { startTranscribeSimulator, type TranscribeSimulator } from '../../dev/simulators/transcribe.ts'
import { TEST_AWS } from '../../dev/awsEnv.ts'
import { simulatorEnv, spawnProxy, type ProxyProcess } from './spawnProxy.ts'

export type ProxyCluster = {
  redis: RedisServer
  bedrock: BedrockSimulator
  storyblok: StoryblokSimulator
  transcribe: TranscribeSimulator
  proxies: ProxyProcess[]
  close(): Promise<void>
}

export async function startProxyCluster({
  instances,
  env = {},
  storyblokPerSecond = 6,
}: {
  instances: number
  env?: Record<string, string>
  storyblokPerSecond?: number
}): Promise<ProxyCluster> {
  const [redis, bedrock, storyblok, transcribe] = await Promise.all([
    startRedisServer(),
    startBedrockSimulator(),
    startStoryblokSimulator({ rateLimitPerSecond: storyblokPerSecond }),
    startTranscribeSimulator({ secrets: { [TEST_AWS.accessKeyId]: { secretAccessKey: TEST_AWS.secretAccessKey } } }),
  ])
  const proxyEnv = simulatorEnv(
    { bedrock: bedrock.url, transcribe: transcribe.url, storyblok: storyblok.url },
    {
      REDIS_URL: redis.url,
      // Several proxies, simulators and the test share a small machine: a busy moment must not read as a slow
      // Redis (limits would fail open and the counts would be off). A stopped server still fails at once.
      REDIS_COMMAND_TIMEOUT_MS: '3000',
      ...env,
    },
  )
  const started = await Promise.allSettled(Array.from({ length: instances }, () => spawnProxy({ env: proxyEnv })))
  const proxies = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []))
  const close = async () => {
    await Promise.all(proxies.map((p) => p.stop()))
    await Promise.all([redis.close(), bedrock.close(), storyblok.close(), transcribe.close()])
  }
  const failed = started.find((s) => s.status === 'rejected')
  if (failed) {
    await close()
    throw (failed as PromiseRejectedResult).reason
  }
  return { redis, bedrock, storyblok, transcribe, proxies, close }
}
