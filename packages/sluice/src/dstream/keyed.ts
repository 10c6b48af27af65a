/**
 * Key identity for keyed operations. Keys are any JSON value; equal JSON means the same key, so
 * ["a", 1] from two tasks merges. Strings take a fast path. Insertion order is kept, so output
 * order is deterministic for a given input.
 */
export function keyId(key: unknown): string {
  return typeof key === 'string' ? `s${key}` : `j${JSON.stringify(key)}`;
}

export class KeyedMap<K, V> {
  private readonly entries = new Map<string, [K, V]>();

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    return this.entries.get(keyId(key))?.[1];
  }

  has(key: K): boolean {
    return this.entries.has(keyId(key));
  }

  set(key: K, value: V): void {
    this.setById(keyId(key), key, value);
  }

  /** The stored [key, value] under `id` (keyId(key)), for callers that compute a record's id once. */
  entryById(id: string): readonly [K, V] | undefined {
    return this.entries.get(id);
  }

  /** set() with the key's id computed by the caller; an existing entry keeps its first key. */
  setById(id: string, key: K, value: V): void {
    const entry = this.entries.get(id);
    if (entry) entry[1] = value;
    else this.entries.set(id, [key, value]);
  }

  delete(key: K): void {
    this.entries.delete(keyId(key));
  }

  /** Sets key to merge(old, value), or to value when the key is new. */
  merge(key: K, value: V, merge: (a: V, b: V) => V): void {
    const id = keyId(key);
    const entry = this.entries.get(id);
    if (entry) entry[1] = merge(entry[1], value);
    else this.entries.set(id, [key, value]);
  }

  pairs(): [K, V][] {
    return [...this.entries.values()].map(([k, v]) => [k, v]);
  }

  static of<K, V>(pairs: Iterable<readonly [K, V]>): KeyedMap<K, V> {
    const map = new KeyedMap<K, V>();
    for (const [k, v] of pairs) map.set(k, v);
    return map;
  }
}
