import assert from 'node:assert/strict';
import type { BatchInput } from 'sluice/testing';
import type { BatchCompleted } from '#sluice/wal/wal-events.js';
import { sortedBatches } from '../dstream/support.js';

/**
 * Structured Streaming's test steps as Sluice batches: each AddData becomes a batch followed by
 * an empty batch, which plays Spark's no-data batch (the one that runs when the watermark moved).
 */
export function withNoDataBatches<I>(addData: readonly BatchInput<I>[]): BatchInput<I>[] {
  return addData.flatMap((batch) => [batch, []]);
}

/** What Spark's CheckNewAnswer after each AddData sees: the outputs of its batch and its no-data batch. */
export function perAddData<O>(batches: readonly (readonly O[])[]): O[][] {
  const out: O[][] = [];
  for (let i = 0; i < batches.length; i += 2) out.push([...(batches[i] ?? []), ...(batches[i + 1] ?? [])]);
  return out;
}

/** Batch by batch, the same records in any order. */
export function assertSteps<T>(actual: readonly (readonly T[])[], expected: readonly (readonly T[])[]): void {
  assert.deepEqual(sortedBatches(actual), sortedBatches(expected));
}

/** Collects each batch's completion record (watermark, late records, dropped copies). */
export function completions(): { list: BatchCompleted[]; onBatchCompleted: (c: BatchCompleted) => void } {
  const list: BatchCompleted[] = [];
  return { list, onBatchCompleted: (c) => list.push(c) };
}

/** Spark's tests give event times in seconds. */
export const seconds = (v: number): number => v * 1000;
