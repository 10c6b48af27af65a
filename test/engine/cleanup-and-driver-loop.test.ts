import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryStreamStorage } from '#sluice/adapters/memory/memory-storage.js';
import { StreamingContext } from '#sluice/dstream/streaming-context.js';
import type { StreamStorage } from '#sluice/ports/stream-storage.js';
import { BlockStore } from '#sluice/receiver/block-store.js';
import { ReliableReceiver } from '#sluice/receiver/reliable-receiver.js';
import { DriverLoop } from '#sluice/scheduler/driver-loop.js';
import { StreamEngine, type BatchSummary } from '#sluice/scheduler/stream-engine.js';
import { ManualClock } from '#sluice/util/clock.js';
import { waitUntil } from '../support/wait.js';
import { MemoryLogger, silentLogger } from '#sluice/util/log.js';
import { CheckpointStore } from '#sluice/wal/checkpoint-store.js';

const INTERVAL = 1000;

function world(storage: StreamStorage = memoryStreamStorage(), retention = { block: 3 * INTERVAL, wal: 6 * INTERVAL }) {
  const clock = new ManualClock(0);
  const ssc = new StreamingContext({ batchInterval: INTERVAL });
  ssc.eventHubStream<{ n: number }>().map((e) => ['all', e.n] as [string, number]).reduceByKey((a, b) => a + b).saveAsTextFiles('sums');
  const log = new MemoryLogger();
  const engine = new StreamEngine({ stream: 's', batchIntervalMs: INTERVAL, maxTasksPerBatch: 2, blockRetentionMs: retention.block, walRetentionMs: retention.wal, storage, graph: ssc.graph, clock, log });
  const receiver = new ReliableReceiver(new BlockStore(storage.blocks, 's'), new CheckpointStore(storage.wal, 's'), { source: 'events', partition: '0', blockIntervalMs: 100, maxBlockBytes: 1 << 20, owner: 't' }, clock, silentLogger);
  let seq = 0;
  const send = async (count: number) => {
    const events = Array.from({ length: count }, () => ({ body: JSON.stringify({ n: 1 }), sequenceNumber: seq, offset: String(seq++), enqueuedTime: clock.now() }));
    await receiver.receive(events);
  };
  return { clock, engine, storage, send, log };
}

test('cleanup deletes blocks, block records and partials of completed batches past retention, and WAL records past theirs', async () => {
  const w = world();
  await w.engine.zeroTime();
  for (let k = 1; k <= 4; k++) {
    await w.send(5);
    w.clock.set(k * INTERVAL);
    await w.engine.runBatch(k * INTERVAL);
  }
  assert.equal((await w.storage.blocks.list('s/')).length, 4);
  w.clock.set(5 * INTERVAL); // blocks of batches at or before 2000 are past the 3 s retention
  const first = await w.engine.cleanUp();
  assert.equal(first.batchesCleaned, 2);
  assert.equal((await w.storage.blocks.list('s/')).length, 2, 'blocks of batches 3000 and 4000 stay');
  assert.equal((await w.engine.batch(1000))!.status, 'cleaned');
  assert.equal((await w.engine.batch(3000))!.status, 'completed');
  assert.equal((await w.storage.partials.list('s/000000000001000/')).length, 0);
  assert.equal((await new CheckpointStore(w.storage.wal, 's').blocksBetween({ source: 'events', partition: '0' }, -1, 100)).length, 2);
  assert.ok(await w.storage.output.get('sums-1000.ndjson'), 'outputs are never cleaned');
  w.clock.set(8 * INTERVAL); // WAL records of batches at or before 2000 are past the 6 s retention
  const second = await w.engine.cleanUp();
  assert.equal(second.walRecordsDeleted, 2);
  assert.equal(await w.engine.batch(1000), undefined);
  assert.equal((await w.engine.batch(4000))!.status, 'cleaned');
});

test('cleanup never touches an incomplete batch, nor anything after it', async () => {
  const w = world(memoryStreamStorage(), { block: 3 * INTERVAL, wal: 1e9 });
  await w.engine.zeroTime();
  await w.send(5);
  w.clock.set(INTERVAL);
  await w.engine.runBatch(INTERVAL);
  await w.send(5);
  w.clock.set(2 * INTERVAL);
  await w.engine.allocateBatch(2 * INTERVAL); // allocated, never committed
  await w.send(5);
  w.clock.set(3 * INTERVAL);
  await w.engine.runBatch(3 * INTERVAL);
  w.clock.set(20 * INTERVAL);
  await w.engine.cleanUp();
  assert.equal((await w.engine.batch(1000))!.status, 'cleaned');
  assert.equal((await w.engine.batch(2000))!.status, 'allocated');
  assert.equal((await w.engine.batch(3000))!.status, 'completed', 'a batch after an incomplete one keeps its blocks');
  assert.equal((await w.storage.blocks.list('s/')).length, 2);
});

test('the driver loop runs batches on the fixed schedule, and catches up in order after a pause', async () => {
  const w = world();
  const seen: BatchSummary[] = [];
  const loop = new DriverLoop(w.engine, { onBatch: (s) => seen.push(s) });
  const running = loop.start();
  const waitParked = () => waitUntil(() => w.clock.waiting > 0, 'the driver loop waits on its clock');
  await waitParked();
  await w.send(3);
  w.clock.advance(INTERVAL);
  await waitParked();
  assert.deepEqual(seen.map((s) => [s.time, s.records]), [[1000, 3]]);
  w.clock.advance(250); // time runs on within the interval: the next batch is still due at 2000
  await w.send(2);
  w.clock.advance(3 * INTERVAL); // a long pause: 2000, 3000 and 4000 are overdue
  await waitParked();
  assert.deepEqual(seen.map((s) => s.time), [1000, 2000, 3000, 4000]);
  assert.deepEqual(seen.map((s) => s.schedulingDelayMs), [0, 2250, 1250, 250]);
  assert.equal(seen[1]!.records, 2);
  await loop.stop();
  await running;
});

test('a batch that keeps failing is retried, recorded as failed, and stops the loop (or is skipped)', async () => {
  for (const policy of ['stop', 'skip'] as const) {
    const storage = memoryStreamStorage();
    const failing: StreamStorage = { ...storage, partials: { ...storage.partials, get: (n) => storage.partials.get(n), list: (p) => storage.partials.list(p), delete: (n) => storage.partials.delete(n), create: (n, d) => storage.partials.create(n, d), put: async (name, data) => { if (name.includes('/000000000001000/')) throw new Error('disk on fire'); return storage.partials.put(name, data); } } };
    const w = world(failing);
    const seen: number[] = [];
    const loop = new DriverLoop(w.engine, { onBatchFailure: policy, retries: 2, retryDelayMs: 100, onBatch: (s) => seen.push(s.time) });
    const running = loop.start();
    const waitParked = () => waitUntil(() => w.clock.waiting > 0, 'the driver loop waits on its clock');
    await waitParked();
    await w.send(3);
    w.clock.advance(INTERVAL);
    for (let i = 0; i < 2; i++) { await waitParked(); w.clock.advance(1000); } // retry delays
    if (policy === 'stop') {
      await running;
      assert.match(String(loop.stoppedBy), /disk on fire/);
    } else {
      await waitParked();
      w.clock.advance(INTERVAL);
      await waitParked();
      await loop.stop();
      await running;
      assert.ok(seen.includes(2000) || seen.includes(3000), 'the loop went on after the skipped batch');
    }
    const failed = await w.engine.batch(1000);
    assert.equal(failed!.status, 'failed');
    assert.equal(failed!.failure!.skipped, policy === 'skip');
    assert.match(failed!.failure!.error, /disk on fire/);
    assert.ok(w.log.lines.filter((l) => l.message.startsWith('retrying batch 1000: attempt')).length === 2);
    assert.equal(await w.engine.nextBatchTime(), policy === 'stop' ? 1000 : seen.length ? seen.at(-1)! + INTERVAL : 2000);
  }
});
