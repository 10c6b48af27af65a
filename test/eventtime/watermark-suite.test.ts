import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runBatches } from 'sluice/testing';
import { assertSteps, completions, perAddData, seconds, withNoDataBatches } from './support.js';

/**
 * Ported from Structured Streaming's EventTimeWatermarkSuite (apache/spark,
 * sql/core/src/test/scala/org/apache/spark/sql/streaming/EventTimeWatermarkSuite.scala). Each
 * AddData is a batch followed by an empty one (Spark's no-data batch); event times are the
 * values in seconds, the delay 10 s and the windows 5 s, as there.
 */
const windowCounts = (mode: 'append' | 'update') => (s: import('#sluice/dstream/dstream.js').DStream<number>) =>
  s.withWatermark(seconds, '10s').window('5s').count({ outputMode: mode }).map((r) => [r.start / 1000, r.value]);

test('EventTimeWatermarkSuite "append mode": a window is emitted once the watermark passes its end; later data below it is dropped', async () => {
  const done = completions();
  const out = await runBatches<number, number[]>({
    inputs: [withNoDataBatches([[10, 11, 12, 13, 14, 15], [25], [10]])],
    build: windowCounts('append'), batchIntervalMs: 1000, onBatchCompleted: done.onBatchCompleted,
  });
  assertSteps(perAddData(out), [[], [[10, 5]], []]);
  // The last AddData (10) falls in [10, 15), closed under the watermark 15: counted late.
  assert.deepEqual(done.list.map((c) => c.lateRecords), [0, 0, 0, 0, 1, 0]);
  assert.deepEqual(done.list.map((c) => c.eventTime?.watermark), [null, 5000, 5000, 15000, 15000, 15000]);
});

test('EventTimeWatermarkSuite "update mode": every changed window is emitted; records below the watermark are ignored', async () => {
  const out = await runBatches<number, number[]>({
    inputs: [withNoDataBatches([[10, 11, 12, 13, 14, 15], [25], [10, 25], [10]])],
    build: windowCounts('update'), batchIntervalMs: 1000,
  });
  assertSteps(perAddData(out), [[[10, 5], [15, 1]], [[25, 1]], [[25, 2]], []]);
});

test('EventTimeWatermarkSuite "event time and watermark metrics": the watermark is max event time minus the delay, used by the next batch', async () => {
  const done = completions();
  const out = await runBatches<number, number[]>({
    // Spark runs these without no-data batches between them (Trigger.Once, SPARK-24699 variant).
    inputs: [[[15], [10, 12, 14], [25], [50], [50]]],
    build: windowCounts('append'), batchIntervalMs: 1000, onBatchCompleted: done.onBatchCompleted,
  });
  assertSteps(out, [[], [], [], [[10, 3]], [[15, 1], [25, 1]]]);
  assert.deepEqual(done.list.map((c) => c.eventTime?.watermark), [null, 5000, 5000, 15000, 40000]);
});

test('EventTimeWatermarkSuite "recovery": after a restart the watermark and open windows carry on', async () => {
  const out = await runBatches<number, number[]>({
    inputs: [withNoDataBatches([[10, 11, 12, 13, 14, 15], [25], [10, 27, 30], [17], [40]])],
    build: windowCounts('append'), batchIntervalMs: 1000, restartAfter: [4, 6],
  });
  // 10 and 17 are below the watermark (15, then 20) and dropped; [25, 30) closes at watermark 30.
  assertSteps(perAddData(out), [[], [[10, 5]], [[15, 1]], [], [[25, 2]]]);
});

test('EventTimeWatermarkSuite "append mode - session": sessions per key close when the watermark passes their end', async () => {
  const out = await runBatches<number, number[]>({
    inputs: [withNoDataBatches([[10, 11], [17], [25], [35], [10], [40]])],
    build: (s) => s.withWatermark(seconds, '10s').map((v) => [Math.trunc(v / 10), v] as [number, number]).sessionWindow('5s')
      .aggregateByKey({ zero: () => [0, 0], add: ([n, sum], v) => [n + 1, sum + v], merge: (a, b) => [a[0] + b[0], a[1] + b[1]] })
      .map((r) => [r.key, r.start / 1000, r.end / 1000, ...r.value]),
    batchIntervalMs: 1000,
  });
  assertSteps(perAddData(out), [[], [], [], [[1, 10, 16, 2, 21], [1, 17, 22, 1, 17]], [], [[2, 25, 30, 1, 25]]]);
});

test('EventTimeWatermarkSuite "update mode - session - keys overlapped with sessions": a late-arriving record extends an open session', async () => {
  const out = await runBatches<number, number[]>({
    inputs: [withNoDataBatches([[10, 11, 12, 13], [17], [25], [35], [27], [10], [40]])],
    build: (s) => s.withWatermark(seconds, '10s').map((v) => [v % 2, v] as [number, number]).sessionWindow('5s')
      .aggregateByKey({ zero: () => [0, 0], add: ([n, sum], v) => [n + 1, sum + v], merge: (a, b) => [a[0] + b[0], a[1] + b[1]] }, { outputMode: 'update' })
      .map((r) => [r.key, r.start / 1000, r.end / 1000, ...r.value]),
    batchIntervalMs: 1000,
  });
  assertSteps(perAddData(out), [
    [[0, 10, 17, 2, 22], [1, 11, 18, 2, 24]],
    [[1, 11, 22, 3, 41]],
    [[1, 25, 30, 1, 25]],
    [[1, 35, 40, 1, 35]],
    [[1, 25, 32, 2, 52]],
    [],
    [[0, 40, 45, 1, 40]],
  ]);
});

test('EventTimeWatermarkSuite "update mode - session - no key": un-keyed sessions merge as the watermark allows', async () => {
  const out = await runBatches<number, number[]>({
    inputs: [withNoDataBatches([[10, 11], [17], [25], [35], [10], [40]])],
    build: (s) => s.withWatermark(seconds, '10s').sessionWindow('5s')
      .aggregate({ zero: () => [0, 0], add: ([n, sum], v) => [n + 1, sum + v], merge: (a, b) => [a[0] + b[0], a[1] + b[1]] }, { outputMode: 'update' })
      .map((r) => [r.start / 1000, r.end / 1000, ...r.value]),
    batchIntervalMs: 1000,
  });
  assertSteps(perAddData(out), [[[10, 16, 2, 21]], [[17, 22, 1, 17]], [[25, 30, 1, 25]], [[35, 40, 1, 35]], [], [[35, 45, 2, 75]]]);
});

test('EventTimeWatermarkSuite "error on bad column" / "error on wrong type": a bad event time is refused clearly', async () => {
  const bad = await runBatches<number | string, number>({
    inputs: [[[10, 'x', 11]]],
    build: (s) => s.withWatermark((v) => (v === 'x' ? Number.NaN : seconds(v as number)), '10s').window('5s').count({ outputMode: 'update' }).map((r) => r.value),
    batchIntervalMs: 1000,
  });
  assert.deepEqual(bad, [[2]]); // the bad record is dead-lettered, the others counted
  await assert.rejects(runBatches<number, number>({ inputs: [[[1]]], build: (s) => s.withWatermark(seconds, '-5s').records(), batchIntervalMs: 1000 }), /withWatermark delay: "-5s" must be a duration of 0 or more/);
  await assert.rejects(runBatches<number, number>({ inputs: [[[1]]], build: (s) => s.count().withWatermark(() => 0, '5s').records(), batchIntervalMs: 1000 }), /withWatermark must come before any batch-level operator/);
});
