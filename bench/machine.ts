import os from 'node:os'

export type Machine = { cores: number; cpu: string; memoryGb: number; node: string; platform: string; load: number[] }

/** The machine the figures were taken on; ratios travel between machines, absolute times do not. */
export function describeMachine(): Machine {
  const cpus = os.cpus()
  return {
    cores: cpus.length,
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    load: os.loadavg().map((l) => Math.round(l * 100) / 100),
  }
}
