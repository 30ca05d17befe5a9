/**
 * A Map that keeps at most `max` entries, dropping the least recently used: caches keyed by something a caller
 * chooses (space ids, slugs) must not grow with every id a key holder sends.
 */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly max: number) {
    super()
  }

  override get(key: K): V | undefined {
    if (!super.has(key)) return undefined
    // Re-inserting moves the entry to the end: Map iterates in insertion order, so the first entry is the oldest.
    const value = super.get(key) as V
    super.delete(key)
    super.set(key, value)
    return value
  }

  override set(key: K, value: V): this {
    super.delete(key)
    super.set(key, value)
    while (this.size > this.max) this.delete(this.keys().next().value as K)
    return this
  }
}
