import assert from 'node:assert/strict';
import type { ObjectStore } from '#sluice/ports/object-store.js';

/** Sorts each batch by JSON text: for keyed outputs, whose order Spark leaves unspecified. */
export function sortedBatches<T>(batches: readonly (readonly T[])[]): T[][] {
  return batches.map((b) => [...b].sort((x, y) => cmp(JSON.stringify(x), JSON.stringify(y))));
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Spark's test data as pairs: "a" becomes ["a", 1]. */
export const ones = (batches: readonly (readonly string[])[]): [string, number][][] => batches.map((b) => b.map((w) => [w, 1] as [string, number]));

/** An ObjectStore that counts reads, to check how many snapshots a batch reads. */
export class CountingObjectStore implements ObjectStore {
  reads = 0;

  constructor(private readonly inner: ObjectStore) {}

  create(name: string, data: Uint8Array): Promise<'created' | 'exists'> {
    return this.inner.create(name, data);
  }

  put(name: string, data: Uint8Array): Promise<void> {
    return this.inner.put(name, data);
  }

  get(name: string): Promise<Uint8Array | undefined> {
    this.reads++;
    return this.inner.get(name);
  }

  delete(name: string): Promise<void> {
    return this.inner.delete(name);
  }

  list(prefix: string): Promise<string[]> {
    return this.inner.list(prefix);
  }
}

/** Batch by batch, the same records in any order (Spark's useSet = true). */
export function assertBatchSets<T>(actual: readonly (readonly T[])[], expected: readonly (readonly T[])[], message?: string): void {
  assert.deepEqual(sortedBatches(actual), sortedBatches(expected), message);
}
