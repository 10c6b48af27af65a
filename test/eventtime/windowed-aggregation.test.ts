import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runBatches } from 'sluice/testing';
import { windowsOf, fixedWindows } from '#sluice/dstream/event-time/window-assigners.js';
import { assertSteps, perAddData, seconds, withNoDataBatches } from './support.js';

/**
 * The windowed cases of Structured Streaming's StreamingAggregationSuite (apache/spark,
 * sql/core/src/test/scala/org/apache/spark/sql/streaming/StreamingAggregationSuite.scala) run in
 * complete mode, which Sluice does not offer (it would keep every window for ever); these run the
 * same kind of windowed aggregations in update and append mode, with Spark's window() alignment.
 */
test('window() alignment (Spark\'s TimeWindow): windows start at multiples of the slide since the epoch; a record is in every window containing it', () => {
  assert.deepEqual(windowsOf(fixedWindows('10s', '5s'), 12_000), [[5000, 15000], [10000, 20000]]);
  assert.deepEqual(windowsOf(fixedWindows('10s'), 12_000), [[10000, 20000]]);
  assert.deepEqual(windowsOf(fixedWindows('10s', '3s'), 12_000), [[3000, 13000], [6000, 16000], [9000, 19000], [12000, 22000]]);
  assert.deepEqual(windowsOf(fixedWindows('10s'), -1), [[-10000, 0]]);
  assert.throws(() => fixedWindows('5s', '10s'), /slide \(10000 ms\) must not be longer than its size/);
});

test('StreamingAggregationSuite-style sliding windows, update mode: counts per key in every overlapping window', async () => {
  const out = await runBatches<[string, number], unknown[]>({
    inputs: [withNoDataBatches<[string, number]>([[['a', 12], ['b', 13], ['a', 7]], [['a', 16]]])],
    build: (s) => s.withWatermark(([, t]) => seconds(t), '10s').map(([k]) => [k, 1] as [string, number]).window('10s', '5s').countByKey({ outputMode: 'update' })
      .map((r): unknown[] => [r.key, r.start / 1000, r.value]),
    batchIntervalMs: 1000,
  });
  assertSteps(perAddData(out), [
    [['a', 0, 1], ['a', 5, 2], ['a', 10, 1], ['b', 5, 1], ['b', 10, 1]],
    [['a', 10, 2], ['a', 15, 1]],
  ]);
});

test('StreamingAggregationSuite-style reduce and aggregate with finish, append mode; a record late for one sliding window still counts in the open one', async () => {
  const out = await runBatches<number, unknown[]>({
    inputs: [withNoDataBatches([[1, 2, 3], [22], [9], [40]])],
    build: (s) => s.withWatermark(seconds, '10s').window('10s', '5s')
      .aggregate({ zero: () => ({ n: 0, sum: 0 }), add: (a, v) => ({ n: a.n + 1, sum: a.sum + v }), merge: (a, b) => ({ n: a.n + b.n, sum: a.sum + b.sum }), finish: (a) => a.sum / a.n })
      .map((r): unknown[] => [r.start / 1000, r.value]),
    batchIntervalMs: 1000,
  });
  // Watermark 12 after 22: [-5, 5) and [0, 10) close with the mean of 1, 2, 3. 9 is late for
  // [0, 10) but [5, 15) is still open and takes it; watermark 30 after 40 closes it and 22's windows.
  assertSteps(perAddData(out), [[], [[-5, 2], [0, 2]], [], [[5, 9], [15, 22], [20, 22]]]);
});

test('reduce over event-time windows (un-keyed) drops nothing on time and emits once in append mode', async () => {
  const out = await runBatches<number, unknown[]>({
    inputs: [withNoDataBatches([[3, 1], [4], [40]])],
    build: (s) => s.withWatermark(seconds, '1s').window('10s').reduce((a, b) => Math.max(a, b)).map((r): unknown[] => [r.start / 1000, r.end / 1000, r.value]),
    batchIntervalMs: 1000,
  });
  assertSteps(perAddData(out), [[], [], [[0, 10, 4]]]);
});
