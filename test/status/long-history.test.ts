import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { memoryStreamStorage } from '#sluice/adapters/memory/memory-storage.js';
import type { Entity } from '#sluice/ports/entity-table.js';
import { writeDeadLetters, deadLetterBlobName } from '#sluice/scheduler/dead-letter.js';
import type { BatchPage } from '#sluice/status/batch-pages.js';
import type { DeadLetterReport } from '#sluice/status/dead-letters.js';
import { createStatusApi, type StatusApi } from '#sluice/status/status-api.js';
import type { StreamHandle } from '#sluice/status/status-ports.js';
import type { StreamStatus } from '#sluice/status/stream-status.js';
import { ManualClock } from '#sluice/util/clock.js';
import { CheckpointStore, emptyCheckpoint } from '#sluice/wal/checkpoint-store.js';
import { fromColumns, toColumns } from '#sluice/wal/json-columns.js';
import { BatchLog } from '#sluice/wal/batch-log.js';
import { MemoryEntityTable } from '#sluice/adapters/memory/memory-entity-table.js';
import { batchesPartitionKey, batchRow, streamPartitionKey } from '#sluice/wal/keys.js';
import type { BatchAllocated, BatchCompleted } from '#sluice/wal/wal-events.js';
import { CountingTable } from './counting-table.js';
import { SeededTable } from './seeded-table.js';

const STREAM = 'clicks';
const INTERVAL = 1000;
const ZERO = 1_700_000_000_000;
const BATCHES = 100_000;
const PER_PARTITION = 3; // records per partition per batch
const PARTITIONS = ['0', '1', '2', '3'];

/** A batch row exactly as BatchLog writes it (allocate, then complete), built without 200k round trips. */
function completedBatch(k: number): Entity {
  const time = ZERO + k * INTERVAL;
  const ranges = PARTITIONS.map((partition) => ({
    source: 'events', partition, after: (k - 1) * PER_PARTITION - 1, upTo: k * PER_PARTITION - 1,
    blocks: [{ first: (k - 1) * PER_PARTITION, last: k * PER_PARTITION - 1, count: PER_PARTITION, bytes: 300 }],
  }));
  const allocation: BatchAllocated = { kind: 'BatchAllocated', time, allocatedAt: time + 5, ranges, records: PER_PARTITION * PARTITIONS.length, bytes: 300 * PARTITIONS.length };
  const deadLettered = k % 10_000 === 0 || k === BATCHES ? 1 : 0;
  const completion: BatchCompleted = {
    kind: 'BatchCompleted', time, startedAt: time + 10, completedAt: time + 10 + (k % 700), outputs: [`clicks/out-${time}.ndjson`], deadLettered,
    tasks: [{ task: 0, blocks: 4, recordsIn: 12, recordsOut: 12 - deadLettered, deadLettered, bytes: 1200, durationMs: 40 }],
  };
  return {
    partitionKey: batchesPartitionKey(STREAM), rowKey: batchRow(time), time, status: 'completed', records: allocation.records, bytes: allocation.bytes,
    allocatedAt: allocation.allocatedAt, ...toColumns('alloc', allocation),
    startedAt: completion.startedAt, completedAt: completion.completedAt, deadLettered, ...toColumns('done', completion),
  };
}

test('the seeded rows are exactly what BatchLog writes', async () => {
  const table = new MemoryEntityTable();
  const log = new BatchLog(table, STREAM);
  const seeded = completedBatch(7);
  await log.allocate(fromColumns<BatchAllocated>('alloc', seeded)!);
  await log.complete(fromColumns<BatchCompleted>('done', seeded)!);
  assert.deepEqual((await table.get(batchesPartitionKey(STREAM), batchRow(ZERO + 7 * INTERVAL)))!.entity, seeded);
});

describe('a stream with 100,000 completed batches', () => {
  let api: StatusApi;
  let table: CountingTable;
  const base = `/api/streams/${STREAM}`;

  before(async () => {
    const memory = new SeededTable(batchesPartitionKey(STREAM), Array.from({ length: BATCHES }, (_, i) => completedBatch(i + 1)));
    await memory.transact([{ kind: 'insert', entity: { partitionKey: streamPartitionKey(STREAM), rowKey: 'meta', zeroTime: ZERO } }]);
    const checkpoints = new CheckpointStore(memory, STREAM);
    for (const partition of PARTITIONS) {
      const ref = { source: 'events', partition };
      const events = BATCHES * PER_PARTITION;
      await checkpoints.commit(ref, [], { ...emptyCheckpoint(ref, 'host-1'), lastSeq: events - 1, lastOffset: String(events - 1), lastEnqueuedTime: ZERO + BATCHES * INTERVAL, blocks: BATCHES, events, updatedAt: ZERO + BATCHES * INTERVAL }, undefined);
    }
    const storage = { ...memoryStreamStorage(), wal: (table = new CountingTable(memory)) };
    await writeDeadLetters(storage.deadLetters, deadLetterBlobName(STREAM, ZERO + BATCHES * INTERVAL, 'task-0'), [
      { stream: STREAM, batchTime: ZERO + BATCHES * INTERVAL, stage: 'task', operator: 'input-0 (decode)', error: 'SyntaxError: bad', partition: '2', source: 'events', sequenceNumber: 7, body: 'x' },
    ]);
    const handle: StreamHandle = {
      name: STREAM, config: { streamName: STREAM, batchIntervalMs: INTERVAL, blockIntervalMs: 200, receiverMode: 'reliable' }, storage,
      driver: async () => ({ state: 'running', since: ZERO }),
    };
    api = createStatusApi({ streams: () => [handle], clock: new ManualClock(ZERO + (BATCHES + 1) * INTERVAL) });
  });

  async function rowsFor<T>(url: string): Promise<{ body: T; rows: number }> {
    const u = new URL(url, 'http://status.test');
    table.reset();
    const res = await api({ method: 'GET', path: u.pathname, query: u.searchParams });
    assert.equal(res.status, 200, `${url}: ${res.body}`);
    return { body: JSON.parse(res.body) as T, rows: table.rowsRead };
  }

  test('the header reads one page, yet its totals cover the whole history', async () => {
    const { body, rows } = await rowsFor<StreamStatus>(base);
    assert.equal(body.completedBatches, BATCHES);
    assert.equal(body.recordsProcessed, BATCHES * PER_PARTITION * PARTITIONS.length);
    assert.equal(body.recordsReceived, BATCHES * PER_PARTITION * PARTITIONS.length);
    assert.ok(rows <= 50 + PARTITIONS.length + 1, `header read ${rows} rows`);
  });

  test('a page of batches reads limit + 1 rows, on the first page and deep in the history', async () => {
    const first = await rowsFor<BatchPage>(`${base}/batches?limit=20`);
    assert.equal(first.body.batches.length, 20);
    assert.equal(first.body.batches[0]!.time, ZERO + BATCHES * INTERVAL);
    assert.ok(first.rows <= 21, `first page read ${first.rows} rows`);
    const deep = await rowsFor<BatchPage>(`${base}/batches?limit=20&before=${ZERO + 50_000 * INTERVAL}`);
    assert.deepEqual(deep.body.batches.map((b) => b.time), Array.from({ length: 20 }, (_, i) => ZERO + (49_999 - i) * INTERVAL));
    assert.ok(deep.rows <= 21, `deep page read ${deep.rows} rows`);
    const last = await rowsFor<BatchPage>(`${base}/batches?limit=20&before=${ZERO + 11 * INTERVAL}`);
    assert.equal(last.body.batches.length, 10);
    assert.equal(last.body.paging.next, null);
    const max = await rowsFor<BatchPage>(`${base}/batches?limit=500`);
    assert.ok(max.rows <= 501, `largest page read ${max.rows} rows`);
  });

  test('a batch detail is one point read', async () => {
    const { rows } = await rowsFor<unknown>(`${base}/batches/${ZERO + 12_345 * INTERVAL}`);
    assert.equal(rows, 1);
  });

  test('receivers and dead letters read a bounded window', async () => {
    const receivers = await rowsFor<unknown>(`${base}/receivers`);
    assert.ok(receivers.rows <= 10 + PARTITIONS.length, `receivers read ${receivers.rows} rows`);
    const dl = await rowsFor<DeadLetterReport>(`${base}/deadletters`);
    assert.ok(dl.rows <= 200, `dead letters read ${dl.rows} rows`);
    assert.equal(dl.body.count, 1);
    assert.equal(dl.body.entries[0]!.sequenceNumber, 7);
    const index = await rowsFor<unknown>('/api/streams');
    assert.ok(index.rows <= 1, `index read ${index.rows} rows`);
  });
});
