import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PreconditionFailedError } from '#sluice/ports/errors.js';
import { BatchLog } from '#sluice/wal/batch-log.js';
import { CheckpointStore, emptyCheckpoint, type Checkpoint } from '#sluice/wal/checkpoint-store.js';
import type { BatchAllocated, BlockAdded } from '#sluice/wal/wal-events.js';
import { forEachBackend } from '../support/backends.js';

const ref = { source: 'events', partition: '2' };
const block = (first: number, last: number): BlockAdded => ({ kind: 'BlockAdded', ...ref, first, last, count: last - first + 1, bytes: 10, minTime: first, maxTime: last, addedAt: 5 });
const at = (c: Checkpoint, lastSeq: number, owner = 'r1'): Checkpoint => ({ ...c, lastSeq, lastOffset: String(lastSeq), owner, blocks: c.blocks + 1, updatedAt: 9 });
const alloc = (time: number, records = 0): BatchAllocated => ({ kind: 'BatchAllocated', time, allocatedAt: time, ranges: [{ ...ref, after: -1, upTo: records - 1, blocks: [] }], records, bytes: 0 });

forEachBackend('CheckpointStore contract', (backend) => {
  test('blocks and checkpoint commit together; a stale etag loses and writes nothing', async () => {
    const store = new CheckpointStore(backend().storage().wal, 's1');
    const empty = emptyCheckpoint(ref, 'r1');
    const etag = await store.commit(ref, [block(0, 9)], at(empty, 9), undefined);
    await assert.rejects(store.commit(ref, [block(10, 19)], at(empty, 19, 'r2'), undefined), PreconditionFailedError);
    const next = await store.commit(ref, [block(10, 19)], at((await store.read(ref))!.checkpoint, 19), etag);
    await assert.rejects(store.commit(ref, [block(20, 29)], at(empty, 29, 'r2'), etag), PreconditionFailedError);
    const read = await store.read(ref);
    assert.equal(read!.etag, next);
    assert.equal(read!.checkpoint.lastSeq, 19);
    assert.deepEqual((await store.blocksBetween(ref, -1, 100)).map((b) => b.first), [0, 10], 'the losing block 20-29 was never recorded');
  });

  test('more blocks than one transaction holds commit in fenced steps', async () => {
    const store = new CheckpointStore(backend().storage().wal, 's2');
    const blocks = Array.from({ length: 150 }, (_, i) => block(i * 2, i * 2 + 1));
    await store.commit(ref, blocks, { ...emptyCheckpoint(ref, 'r1'), lastSeq: 299, blocks: 150 }, undefined);
    assert.equal((await store.blocksBetween(ref, -1, 299)).length, 150);
    assert.equal((await store.read(ref))!.checkpoint.lastSeq, 299);
    assert.deepEqual((await store.blocksBetween(ref, 99, 199)).map((b) => b.first).slice(0, 2), [100, 102]);
  });

  test('a stepped commit cut short leaves a checkpoint whose counts match its sequence number, so the retry counts no event twice', async () => {
    const wal = backend().storage().wal;
    let transactions = 0;
    // The second step's transaction fails: the process dies between steps, or storage gives up.
    const failing = { ...wal, transact: (ops: Parameters<typeof wal.transact>[0]) => (++transactions === 2 ? Promise.reject(new Error('storage unavailable')) : wal.transact(ops)) };
    const blocks = Array.from({ length: 150 }, (_, i) => block(i * 2, i * 2 + 1));
    await assert.rejects(new CheckpointStore(failing, 's3').commit(ref, blocks, { ...emptyCheckpoint(ref, 'r1'), lastSeq: 299, blocks: 150, events: 300 }, undefined), /storage unavailable/);
    const store = new CheckpointStore(wal, 's3');
    const partial = (await store.read(ref))!;
    assert.equal(partial.checkpoint.lastSeq, 197, 'the first step took 99 blocks');
    assert.equal(partial.checkpoint.blocks, 99);
    assert.equal(partial.checkpoint.events, 198, 'events stored so far, not the whole call');
    // The retry commits the rest on top: the totals come out exact.
    const rest = blocks.slice(99);
    await store.commit(ref, rest, { ...partial.checkpoint, lastSeq: 299, blocks: partial.checkpoint.blocks + rest.length, events: partial.checkpoint.events + 102 }, partial.etag);
    const done = (await store.read(ref))!.checkpoint;
    assert.deepEqual([done.lastSeq, done.blocks, done.events], [299, 150, 300]);
  });

  test('list returns every partition of the stream only, in partition order', async () => {
    const storage = backend().storage();
    const a = new CheckpointStore(storage.wal, 'alpha');
    const other = new CheckpointStore(storage.wal, 'alphabet');
    for (const p of ['10', '2', '1']) await a.commit({ source: 'events', partition: p }, [], emptyCheckpoint({ source: 'events', partition: p }, 'x'), undefined);
    await other.commit(ref, [], emptyCheckpoint(ref, 'x'), undefined);
    assert.deepEqual((await a.list()).map((c) => c.partition), ['1', '2', '10']);
  });

  test('deleteBlocksUpTo removes only records at or below the sequence number', async () => {
    const store = new CheckpointStore(backend().storage().wal, 's3');
    await store.commit(ref, [block(0, 4), block(5, 9), block(10, 14)], { ...emptyCheckpoint(ref, 'r'), lastSeq: 14 }, undefined);
    assert.equal(await store.deleteBlocksUpTo(ref, 9), 2);
    assert.deepEqual((await store.blocksBetween(ref, -1, 100)).map((b) => b.first), [10]);
  });
});

forEachBackend('BatchLog contract', (backend) => {
  test('allocation is insert-if-absent: a second allocation returns the first', async () => {
    const log = new BatchLog(backend().storage().wal, 's');
    assert.equal((await log.allocate(alloc(1000, 5))).records, 5);
    assert.equal((await log.allocate(alloc(1000, 99))).records, 5);
    assert.equal((await log.get(1000))!.status, 'allocated');
  });

  test('a batch moves allocated -> completed -> cleaned, keeping its allocation', async () => {
    const log = new BatchLog(backend().storage().wal, 's');
    await log.allocate(alloc(1000, 3));
    await log.complete({ kind: 'BatchCompleted', time: 1000, startedAt: 1001, completedAt: 1050, tasks: [], outputs: ['x-1000.ndjson'], deadLettered: 1 });
    const done = await log.get(1000);
    assert.equal(done!.status, 'completed');
    assert.deepEqual(done!.completion!.outputs, ['x-1000.ndjson']);
    await log.clean({ kind: 'BatchCleaned', time: 1000, cleanedAt: 2000 });
    assert.equal((await log.get(1000))!.status, 'cleaned');
    assert.equal((await log.get(1000))!.allocation.records, 3);
    await assert.rejects(log.complete({ kind: 'BatchCompleted', time: 5000, startedAt: 0, completedAt: 0, tasks: [], outputs: [], deadLettered: 0 }), /no BatchAllocated record/);
  });

  test('failures are recorded with their error', async () => {
    const log = new BatchLog(backend().storage().wal, 's');
    await log.allocate(alloc(2000));
    await log.fail({ kind: 'BatchFailed', time: 2000, failedAt: 2100, error: 'boom', skipped: true });
    const failed = await log.get(2000);
    assert.equal(failed!.status, 'failed');
    assert.equal(failed!.failure!.error, 'boom');
  });

  test('list pages newest first; latest(before) finds the previous batch', async () => {
    const log = new BatchLog(backend().storage().wal, 's');
    for (const t of [1000, 2000, 3000, 4000, 5000]) await log.allocate(alloc(t));
    assert.deepEqual((await log.list({ limit: 2 })).map((b) => b.time), [5000, 4000]);
    assert.deepEqual((await log.list({ before: 4000, limit: 2 })).map((b) => b.time), [3000, 2000]);
    assert.equal((await log.latest(3000))!.time, 2000);
    assert.equal(await log.latest(1000), undefined);
    await log.delete(5000);
    assert.equal((await log.latest())!.time, 4000);
  });

  test('large allocations span several columns', async () => {
    const log = new BatchLog(backend().storage().wal, 's');
    const ranges = Array.from({ length: 32 }, (_, p) => ({ source: 'events', partition: String(p), after: -1, upTo: 999, blocks: Array.from({ length: 50 }, (_, i) => ({ first: i * 20, last: i * 20 + 19, count: 20, bytes: 4000 })) }));
    await log.allocate({ kind: 'BatchAllocated', time: 7000, allocatedAt: 7000, ranges, records: 32_000, bytes: 0 });
    assert.deepEqual((await log.get(7000))!.allocation.ranges, ranges);
  });

  test('zero time is fixed by the first caller', async () => {
    const log = new BatchLog(backend().storage().wal, 's');
    assert.equal(await log.zeroTime(10_000), 10_000);
    assert.equal(await log.zeroTime(99_000), 10_000);
  });
});
