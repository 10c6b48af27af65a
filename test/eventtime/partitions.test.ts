import assert from 'node:assert/strict';
import { test } from 'node:test';
import { advanceWatermark, NO_WATERMARK } from '#sluice/dstream/event-time/watermark-tracker.js';
import { runBatches } from 'sluice/testing';
import { assertSteps, completions, seconds } from './support.js';

/**
 * Multi-partition cases Structured Streaming's suites lack (Spark keeps one global maximum): a
 * lagging partition holds the watermark back, an idle one stops holding it after the timeout.
 */
const counts = (s: import('#sluice/dstream/dstream.js').DStream<number>) =>
  s.withWatermark(seconds, '5s').window('10s').count().map((r): number[] => [r.start / 1000, r.value]);

test('a lagging partition holds the watermark back, so its events are not called late', async () => {
  const done = completions();
  const out = await runBatches<number, number[]>({
    inputs: [[
      { partitions: [[100], [10]] }, // partition 1 is far behind partition 0
      { partitions: [[101], [12]] }, // its next events are still on time
      { partitions: [[102], [50]] },
      { partitions: [[103], [60]] },
      [],
    ]],
    build: counts, batchIntervalMs: 1000, onBatchCompleted: done.onBatchCompleted,
  });
  assert.deepEqual(done.list.map((c) => c.eventTime?.watermark), [null, 5000, 7000, 45000, 55000]);
  assert.deepEqual(done.list.map((c) => c.lateRecords), [0, 0, 0, 0, 0], 'with a global maximum (Spark) 12 would be late at watermark 95');
  assertSteps(out, [[], [], [], [[10, 2]], []]);
});

test('an idle partition stops holding the watermark back once it has sent nothing for the idle timeout', async () => {
  const done = completions();
  const out = await runBatches<number, number[]>({
    inputs: [[
      { partitions: [[10], [10]] },
      { partitions: [[20], []] }, // partition 1 goes quiet at 10
      { partitions: [[30], []] },
      { partitions: [[40], []] },
      { partitions: [[50], []] },
      { partitions: [[], [12]] }, // it comes back: 12 is late by then
    ]],
    build: counts, batchIntervalMs: 1000, idlePartitionTimeout: '2s', onBatchCompleted: done.onBatchCompleted,
  });
  // Batch times 1..6 s. Partition 1 last sent at 1 s: at 3 s it is still within the 2 s timeout, at 4 s it is idle.
  assert.deepEqual(done.list.map((c) => c.eventTime?.watermark), [null, 5000, 5000, 5000, 35000, 45000]);
  assert.deepEqual(done.list.map((c) => c.lateRecords), [0, 0, 0, 0, 0, 1]);
  assertSteps(out, [[], [], [], [], [[10, 2], [20, 1]], [[30, 1]]]);
});

test('withWatermark\'s own idlePartitionTimeout overrides the pipeline default', async () => {
  const done = completions();
  await runBatches<number, number[]>({
    inputs: [[{ partitions: [[10], [10]] }, { partitions: [[20], []] }, { partitions: [[30], []] }, []]],
    build: (s) => s.withWatermark(seconds, '5s', { idlePartitionTimeout: '1s' }).window('10s').count().map((r) => [r.value]),
    batchIntervalMs: 1000, idlePartitionTimeout: '1h', onBatchCompleted: done.onBatchCompleted,
  });
  // Partition 1 last sent at batch time 1 s: still active at 2 s (1 s silent), idle at 3 s.
  assert.deepEqual(done.list.map((c) => c.eventTime?.watermark), [null, 5000, 5000, 25000]);
});

test('the watermark never goes backwards, and with every partition idle the highest one counts', () => {
  let s = advanceWatermark(NO_WATERMARK, [['a', 100], ['b', 50]], 1, 10, 5);
  assert.equal(s.watermark, 40);
  s = advanceWatermark(s, [['c', 20]], 2, 10, 5); // a new, slower partition does not pull it back
  assert.equal(s.watermark, 40);
  s = advanceWatermark(s, [], 100, 10, 5); // everyone idle
  assert.equal(s.watermark, 90);
  assert.deepEqual(s.partitions['c'], [20, 2]);
});

test('"enqueuedTime" event time: windows by the Event Hubs enqueued time of each event', async () => {
  const out = await runBatches<string, unknown[]>({
    inputs: [[['a', 'b'], ['c'], [], ['d'], []]],
    enqueuedTime: (r) => ({ a: 1000, b: 2000, c: 11_000, d: 30_000 })[r]!,
    build: (s) => s.withWatermark('enqueuedTime', '0s').window('10s').reduce((x, y) => x + y, { outputMode: 'append' }).map((r): unknown[] => [r.start, r.value]),
    batchIntervalMs: 1000,
  });
  // Delay 0: the watermark reaches 11 s after c, closing [0, 10 s) in the batch after; d closes [10 s, 20 s).
  assertSteps(out, [[], [], [[0, 'ab']], [], [[10000, 'c']]]);
});

test('late records under the "deadLetter" policy reach the dead-letter container with the reason and the watermark', async () => {
  const { memoryStreamStorage } = await import('#sluice/adapters/memory/memory-storage.js');
  const { readDeadLetters } = await import('#sluice/scheduler/dead-letter.js');
  const storage = memoryStreamStorage();
  await runBatches<number, number[]>({
    inputs: [[[30], [1, 31]]], storage,
    build: (s) => s.withWatermark(seconds, '5s', { lateRecords: 'deadLetter' }).window('10s').count().map((r) => [r.value]),
    batchIntervalMs: 1000,
  });
  const dead = await readDeadLetters(storage.deadLetters, 'test/');
  assert.deepEqual(dead.map((d) => [d.batchTime, d.reason, d.watermark, d.record]), [[2000, 'late', 25000, '1']]);
  assert.match(dead[0]!.error, /LateRecord: event-time window \[0, 10000\) is at or below the watermark 25000/);
  await assert.rejects(runBatches<number, number>({ inputs: [[[1]]], build: (s) => s.withWatermark(seconds, '5s', { lateRecords: 'keep' as 'drop' }).records(), batchIntervalMs: 1000 }), /lateRecords: "keep" must be "drop" or "deadLetter"/);
});
