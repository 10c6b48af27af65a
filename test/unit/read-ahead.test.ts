import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readAhead } from '#sluice/scheduler/read-ahead.js';

/** A promise the test settles by hand. */
function deferred<T>(): { promise: Promise<T>; resolve(v: T): void; reject(e: unknown): void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

test('reads stay in order with at most `depth` in flight', async () => {
  let inFlight = 0;
  let peak = 0;
  const read = async (n: number): Promise<number> => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    await new Promise((r) => setImmediate(r));
    inFlight--;
    return n * 10;
  };
  const out: [number, number][] = [];
  for await (const pair of readAhead([1, 2, 3, 4, 5, 6, 7], 3, read)) out.push(pair);
  assert.deepEqual(out, [[1, 10], [2, 20], [3, 30], [4, 40], [5, 50], [6, 60], [7, 70]]);
  assert.equal(peak, 3);
});

test('a later read that fails while an earlier one is awaited is not an unhandled rejection; it surfaces in turn', async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => { unhandled.push(reason); };
  process.on('unhandledRejection', onUnhandled);
  try {
    const first = deferred<string>();
    const reads = new Map<number, Promise<string>>([[0, first.promise], [1, Promise.reject(new Error('503 from storage'))], [2, Promise.resolve('c')]]);
    const seen: string[] = [];
    const consume = (async () => {
      for await (const [, value] of readAhead([0, 1, 2], 4, (i) => reads.get(i)!)) seen.push(value);
    })();
    // Let the failed read's rejection pass through the microtask queue and a macrotask turn.
    await new Promise((r) => setTimeout(r, 20));
    first.resolve('a');
    await assert.rejects(consume, /503 from storage/);
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(seen, ['a']);
    assert.deepEqual(unhandled, []);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});

test('a depth below one is a clear error', async () => {
  await assert.rejects(async () => { for await (const _ of readAhead([1], 0, async (n) => n)) void _; }, /depth must be a positive integer, got 0/);
});
