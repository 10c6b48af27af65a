import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { StreamingContext } from '#sluice/dstream/streaming-context.js';
import { startAzurite, type Azurite } from '#dev/azurite.js';
import type { ObjectStore } from '#sluice/ports/object-store.js';
import type { StreamStorage } from '#sluice/ports/stream-storage.js';
import { BlockStore } from '#sluice/receiver/block-store.js';
import { ReliableReceiver } from '#sluice/receiver/reliable-receiver.js';
import { READ_AHEAD } from '#sluice/scheduler/task-runner.js';
import { StreamEngine } from '#sluice/scheduler/stream-engine.js';
import { ManualClock } from '#sluice/util/clock.js';
import { silentLogger } from '#sluice/util/log.js';
import { CheckpointStore } from '#sluice/wal/checkpoint-store.js';
import { azuriteStorage } from '../support/backends.js';

let azurite: Azurite;
before(async () => { azurite = await startAzurite(); });
after(() => azurite.close());

/**
 * Real Azurite blocks behind a switch: while `failing` holds, a read of a chosen block fails at
 * once (a 503, say) and reads of the others are held until released, so the failure happens while
 * an earlier read is still awaited. Counts reads in flight.
 */
function faultyBlocks(inner: ObjectStore, failing: (name: string) => boolean) {
  let inFlight = 0;
  let peak = 0;
  let release!: () => void;
  const held = new Promise<void>((r) => { release = r; });
  const store: ObjectStore = {
    ...inner,
    create: (n, d) => inner.create(n, d),
    put: (n, d) => inner.put(n, d),
    delete: (n) => inner.delete(n),
    list: (p) => inner.list(p),
    get: async (name) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      try {
        if (failing(name)) throw Object.assign(new Error(`503 Server Busy reading ${name}`), { statusCode: 503 });
        await held;
        return await inner.get(name);
      } finally {
        inFlight--;
      }
    },
  };
  return { store, release: () => release(), peak: () => peak };
}

test('a block read that fails while an earlier one is awaited fails the task cleanly: no unhandled rejection, bounded reads', async () => {
  const base = azuriteStorage(azurite);
  const clock = new ManualClock(0);
  const ssc = new StreamingContext({ batchInterval: 1000 });
  ssc.eventHubStream().count().saveAsTextFiles('total');
  // Twelve one-event blocks in one partition, one task.
  const receiver = new ReliableReceiver(new BlockStore(base.blocks, 'faults'), new CheckpointStore(base.wal, 'faults'),
    { source: 'events', partition: '0', blockIntervalMs: 10, maxBlockBytes: 1 << 20, owner: 't' }, clock, silentLogger);
  await receiver.receive(Array.from({ length: 12 }, (_, s) => ({ body: Buffer.from(`{"n":${s}}`), sequenceNumber: s, offset: String(s), enqueuedTime: s * 10 })));
  const faults = faultyBlocks(base.blocks, (name) => /0000000000000001-/.test(name));
  const storage: StreamStorage = { ...base, blocks: faults.store };
  const engine = new StreamEngine({ stream: 'faults', batchIntervalMs: 1000, maxTasksPerBatch: 1, blockRetentionMs: 1e12, walRetentionMs: 1e12, storage, graph: ssc.graph, clock, log: silentLogger });
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => { unhandled.push(reason); };
  process.on('unhandledRejection', onUnhandled);
  try {
    await engine.zeroTime();
    clock.advance(1000);
    const allocation = await engine.allocateBatch(1000);
    const [plan] = engine.planTasks(allocation);
    assert.equal(plan!.blocks.length, 12);
    const run = engine.runTask(1000, plan!.task);
    const outcome = run.then(() => 'completed', (e: Error) => e.message);
    // The failing read has happened and been dropped on the floor by nobody; give the event loop turns.
    await new Promise((r) => setTimeout(r, 50));
    faults.release();
    assert.match(await outcome, /503 Server Busy reading .*0000000000000001-/);
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(unhandled, []);
    assert.ok(faults.peak() <= READ_AHEAD, `at most ${READ_AHEAD} block reads in flight, saw ${faults.peak()}`);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});
