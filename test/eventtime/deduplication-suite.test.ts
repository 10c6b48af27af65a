import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runBatches } from 'sluice/testing';
import { assertSteps, completions, perAddData, seconds, withNoDataBatches } from './support.js';

/**
 * Ported from Structured Streaming's deduplication suites (apache/spark,
 * sql/core/src/test/scala/org/apache/spark/sql/streaming/StreamingDeduplicationSuite.scala and
 * StreamingDeduplicationWithinWatermarkSuite.scala). Each AddData is a batch plus an empty batch.
 */
const repeat = <T>(times: number, values: readonly T[]): T[] => Array.from({ length: times }, () => values).flat();
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

test('StreamingDeduplicationSuite "deduplicate with watermark": copies are dropped, state below the watermark is evicted, late data dropped', async () => {
  const done = completions();
  const out = await runBatches<number, number>({
    inputs: [withNoDataBatches([repeat(5, range(10, 15)), [25], [10], [45]])],
    build: (s) => s.withWatermark(seconds, '10s').dropDuplicates().records(),
    batchIntervalMs: 1000, onBatchCompleted: done.onBatchCompleted,
  });
  assertSteps(perAddData(out), [range(10, 15), [25], [], [45]]);
  assert.deepEqual(done.list.map((c) => c.droppedDuplicates), [24, 0, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual(done.list.map((c) => c.lateRecords), [0, 0, 0, 0, 1, 0, 0, 0]);
});

test('StreamingDeduplicationSuite "deduplicate with watermark": a copy with another event time is a new record (the time is part of the key)', async () => {
  const out = await runBatches<[string, number], [string, number]>({
    inputs: [withNoDataBatches([[['a', 1]], [['a', 2], ['a', 1]], [['b', 1]]])],
    build: (s) => s.withWatermark((r) => seconds(r[1]), '10s').dropDuplicates((r) => r[0]).records(),
    batchIntervalMs: 1000,
  });
  assertSteps(perAddData(out), [[['a', 1]], [['a', 2]], [['b', 1]]]);
});

test('StreamingDeduplicationWithinWatermarkSuite "deduplicate with all columns with event time column in DataFrame"', async () => {
  const done = completions();
  const out = await runBatches<number, number>({
    inputs: [withNoDataBatches([repeat(5, range(10, 15)), range(13, 17), [5], [35], [55]])],
    build: (s) => s.withWatermark(seconds, '10s').dropDuplicatesWithinWatermark().records(),
    batchIntervalMs: 1000, onBatchCompleted: done.onBatchCompleted,
  });
  assertSteps(perAddData(out), [range(10, 15), [16, 17], [], [35], [55]]);
  assert.equal(done.list[4]!.lateRecords, 1);
  assert.equal(done.list[2]!.droppedDuplicates, 3);
});

test('StreamingDeduplicationWithinWatermarkSuite "deduplicate with subset of columns which event time column is not in subset"', async () => {
  const out = await runBatches<[string, number], [string, number]>({
    inputs: [withNoDataBatches([[['a', 17]], [['a', 16]], [['a', 13]], [['b', 22], ['c', 21]], [['a', 21]], [['d', 25]]])],
    build: (s) => s.withWatermark((r) => seconds(r[1]), '2s').dropDuplicatesWithinWatermark((r) => r[0]).records(),
    batchIntervalMs: 1000,
  });
  // "a" -> 21 is new: the no-data batch at watermark 20 forgot "a" (expiring at 17 + 2 = 19).
  assertSteps(perAddData(out), [[['a', 17]], [], [], [['b', 22], ['c', 21]], [['a', 21]], [['d', 25]]]);
});

test('StreamingDeduplicationWithinWatermarkSuite "SPARK-39650": the first copy in batch order is the one kept, on a replay too', async () => {
  const build = (s: import('#sluice/dstream/dstream.js').DStream<[string, number]>) =>
    s.withWatermark((r) => seconds(r[1]), '10s').dropDuplicatesWithinWatermark((r) => r[0]).records();
  const inputs = [withNoDataBatches<[string, number]>([[['a', 1]], [['a', 2], ['b', 3]], [['a', 5], ['b', 2], ['c', 9]]])];
  const straight = await runBatches({ inputs, build, batchIntervalMs: 1000 });
  const crashed = await runBatches({ inputs, build, batchIntervalMs: 1000, crashInCommit: [3, 5] });
  assertSteps(perAddData(straight), [[['a', 1]], [['b', 3]], [['c', 9]]]);
  assert.deepEqual(crashed, straight);
});

test('dropDuplicates after map keeps each record\'s event time, and windows can follow it', async () => {
  const out = await runBatches<[string, number], (string | number)[]>({
    inputs: [withNoDataBatches([[['a', 10], ['a', 10], ['b', 11]], [['a', 12], ['a', 12]], [['z', 30]]])],
    build: (s) => s.withWatermark((r) => seconds(r[1]), '5s').dropDuplicates().map((r) => [r[0], 1] as [string, number]).window('10s').countByKey()
      .map((r) => [r.key, r.start / 1000, r.value]),
    batchIntervalMs: 1000,
  });
  assertSteps(perAddData(out), [[], [], [['a', 10, 2], ['b', 10, 1]]]);
});
