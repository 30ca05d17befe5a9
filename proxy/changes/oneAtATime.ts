/** Runs work for the same key one after another (in arrival order); different keys run in parallel. */
export function oneAtATime() {
  const tails = new Map<string, Promise<unknown>>()
  return function run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const result = (tails.get(key) ?? Promise.resolve()).then(work, work)
    const tail = result.catch(() => undefined)
    tails.set(key, tail)
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key)
    })
    return result
  }
}
