import { describe, expect, it } from 'vitest'
import { detectMicAccess } from '../../../plugin/speech/detectMicAccess.ts'

const stream = { getTracks: () => [] } as unknown as MediaStream
const nav = (getUserMedia: () => Promise<MediaStream>) =>
  ({ mediaDevices: { getUserMedia } }) as unknown as Pick<Navigator, 'mediaDevices'>
const domError = (name: string) => Object.assign(new Error(name), { name })

describe('detectMicAccess', () => {
  it('records inline when the policy allows and getUserMedia succeeds, handing over the stream', async () => {
    const r = await detectMicAccess({
      navigator: nav(async () => stream),
      document: { featurePolicy: { allowsFeature: () => true } },
    })
    expect(r).toEqual({ type: 'inline', stream })
  })

  it('reports blocked from the permissions policy without asking for the microphone', async () => {
    let asked = false
    const r = await detectMicAccess({
      navigator: nav(async () => ((asked = true), stream)),
      document: { permissionsPolicy: { allowsFeature: (f: string) => f !== 'microphone' } },
    })
    expect(r.type).toBe('blocked')
    expect(asked).toBe(false)
  })

  it('reports blocked on NotAllowedError when the browser cannot tell the policy (Firefox)', async () => {
    const r = await detectMicAccess({ navigator: nav(() => Promise.reject(domError('NotAllowedError'))), document: {} })
    expect(r.type).toBe('blocked')
  })

  it('reports unsupported without getUserMedia or without a microphone', async () => {
    expect((await detectMicAccess({ navigator: {} as Pick<Navigator, 'mediaDevices'>, document: {} })).type).toBe(
      'unsupported',
    )
    expect(
      await detectMicAccess({ navigator: nav(() => Promise.reject(domError('NotFoundError'))), document: {} }),
    ).toEqual({ type: 'unsupported', reason: 'No microphone was found.' })
  })
})
