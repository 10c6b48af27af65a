import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryStreamStorage } from '#sluice/adapters/memory/memory-storage.js';
import type { DStream } from '#sluice/dstream/dstream.js';
import { runBatches } from 'sluice/testing';
import { batchRow } from '#sluice/status/batch-row.js';
import { streamStatus } from '#sluice/status/stream-status.js';
import { ManualClock } from '#sluice/util/clock.js';
import { BatchLog } from '#sluice/wal/batch-log.js';
import { seconds } from './support.js';

/** The status contract's event-time fields: the stream's watermark and lag, and per batch its late records and dropped copies. */
async function statusAfter(build: (s: DStream<number>) => DStream<number>) {
  const storage = memoryStreamStorage();
  await runBatches<number, number>({ inputs: [[[10, 10, 11], [30, 1], []]], build, batchIntervalMs: 1000, storage });
  const handle = {
    name: 'test', storage, config: { streamName: 'test', batchIntervalMs: 1000, blockIntervalMs: 1000, receiverMode: 'reliable' as const },
    driver: async () => ({ state: 'running' as const, since: 0 }),
  };
  const status = await streamStatus(handle, new ManualClock(10_000));
  const rows = (await new BatchLog(storage.wal, 'test').list({ limit: 10 })).map((b) => batchRow(b, 1000));
  return { status, rows };
}

test('status: the watermark, the lag (batch time minus watermark), and late records and dropped copies per batch', async () => {
  const { status, rows } = await statusAfter((s) => s.withWatermark(seconds, '5s').dropDuplicates().window('10s').count().map((r) => r.value));
  // After batch 2 (events up to 30 s) the watermark is 25 s; batch 3 at 3 s uses it.
  assert.deepEqual(status.eventTime, { watermark: 25_000, lagMs: 3000 - 25_000 });
  assert.deepEqual(rows.map((r) => [r.time, r.lateRecords, r.droppedDuplicates]), [[3000, 0, 0], [2000, 1, 0], [1000, 0, 1]], "dropDuplicates judges each record: 1 s is below the watermark 6 s");
  const late = await statusAfter((s) => s.withWatermark(seconds, '0s').dropDuplicatesWithinWatermark().records());
  assert.deepEqual(late.rows.map((r) => r.lateRecords), [0, 1, 0], 'the 1 s event in batch 2 is below the watermark 11 s');
});

test('status: a stream without event time has no eventTime field and no per-batch event-time figures', async () => {
  const { status, rows } = await statusAfter((s) => s.map((v) => v + 1));
  assert.equal('eventTime' in status, false);
  assert.ok(rows.every((r) => !('lateRecords' in r) && !('droppedDuplicates' in r)));
});
