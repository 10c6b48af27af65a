import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryStreamStorage } from '#sluice/adapters/memory/memory-storage.js';
import { BlockStore } from '#sluice/receiver/block-store.js';
import { BufferedReceiver } from '#sluice/receiver/buffered-receiver.js';
import type { ReceivedEvent } from '#sluice/receiver/received-event.js';
import { ReliableReceiver } from '#sluice/receiver/reliable-receiver.js';
import { ManualClock } from '#sluice/util/clock.js';
import { MemoryLogger, silentLogger } from '#sluice/util/log.js';
import { CheckpointStore } from '#sluice/wal/checkpoint-store.js';
import type { StreamStorage } from '#sluice/ports/stream-storage.js';
import type { TableOperation } from '#sluice/ports/entity-table.js';

const events = (from: number, to: number, t0 = 0): ReceivedEvent[] =>
  Array.from({ length: to - from + 1 }, (_, i) => ({ body: `{"n":${from + i}}`, sequenceNumber: from + i, offset: String((from + i) * 10), enqueuedTime: t0 + i }));

function receiver(storage: StreamStorage, owner: string, clock = new ManualClock(0), log = silentLogger) {
  return new ReliableReceiver(new BlockStore(storage.blocks, 's'), new CheckpointStore(storage.wal, 's'), { source: 'events', partition: '0', blockIntervalMs: 200, maxBlockBytes: 1 << 20, owner }, clock, log);
}

async function committedSeqs(storage: StreamStorage): Promise<number[]> {
  const checkpoints = new CheckpointStore(storage.wal, 's');
  const blocks = new BlockStore(storage.blocks, 's');
  const ref = { source: 'events', partition: '0' };
  const seqs: number[] = [];
  for (const b of await checkpoints.blocksBetween(ref, -1, Number.MAX_SAFE_INTEGER)) for (const e of await blocks.read(ref, b.first, b.last)) seqs.push(e.sequenceNumber);
  return seqs;
}

test('the same events given twice are stored once and counted as redeliveries', async () => {
  const storage = memoryStreamStorage();
  const r = receiver(storage, 'a');
  assert.deepEqual(await r.receive(events(0, 9)), { accepted: 10, redeliveries: 0, blocks: 1, conflicts: 0, filled: 0, lost: 0 });
  assert.deepEqual(await r.receive(events(0, 9)), { accepted: 0, redeliveries: 10, blocks: 0, conflicts: 0, filled: 0, lost: 0 });
  const fresh = receiver(storage, 'a'); // a restarted instance reads the checkpoint
  assert.equal((await fresh.receive(events(0, 9))).redeliveries, 10);
  assert.deepEqual(await committedSeqs(storage), events(0, 9).map((e) => e.sequenceNumber));
  assert.equal((await new CheckpointStore(storage.wal, 's').read({ source: 'events', partition: '0' }))!.checkpoint.redeliveries, 20);
});

test('an overlapping range stores only the new part', async () => {
  const storage = memoryStreamStorage();
  const r = receiver(storage, 'a');
  await r.receive(events(0, 9));
  assert.deepEqual(await r.receive(events(5, 14, 300)), { accepted: 5, redeliveries: 5, blocks: 1, conflicts: 0, filled: 0, lost: 0 });
  assert.deepEqual(await committedSeqs(storage), Array.from({ length: 15 }, (_, i) => i));
});

test('events out of order within a call are stored in sequence order', async () => {
  const storage = memoryStreamStorage();
  await receiver(storage, 'a').receive(events(0, 5).reverse());
  assert.deepEqual(await committedSeqs(storage), [0, 1, 2, 3, 4, 5]);
});

test('two receivers racing on one partition: the etag fences them, no duplicate and no gap', async () => {
  const storage = memoryStreamStorage();
  const log = new MemoryLogger();
  const a = receiver(storage, 'instance-a', new ManualClock(0), log);
  const b = receiver(storage, 'instance-b', new ManualClock(0), log);
  await a.receive(events(0, 9));
  await b.receive(events(0, 9)); // b learns the checkpoint
  const [ra, rb] = await Promise.all([a.receive(events(10, 39)), b.receive(events(10, 49, 500))]);
  assert.equal(ra.conflicts + rb.conflicts, 1, 'exactly one of them lost the race');
  assert.deepEqual(await committedSeqs(storage), Array.from({ length: 50 }, (_, i) => i));
  const warning = log.lines.find((l) => l.level === 'warn');
  assert.match(warning!.message, /lost the checkpoint etag race/);
  assert.ok(['instance-a', 'instance-b'].includes(String(warning!.fields!['owner'])));
});

test('a storage failure in the transaction propagates (the call is retried), and nothing is recorded', async () => {
  const storage = memoryStreamStorage();
  const failing: StreamStorage = { ...storage, wal: { ...storage.wal, get: storage.wal.get.bind(storage.wal), range: storage.wal.range.bind(storage.wal), scan: storage.wal.scan.bind(storage.wal), transact: async (_ops: readonly TableOperation[]) => { throw new Error('503 server busy'); } } };
  await assert.rejects(receiver(failing, 'a').receive(events(0, 3)), /503/);
  assert.deepEqual(await committedSeqs(storage), []);
  await receiver(storage, 'a').receive(events(0, 3));
  assert.deepEqual(await committedSeqs(storage), [0, 1, 2, 3]);
});

test('unreliable mode buffers across calls and stores every block interval', async () => {
  const storage = memoryStreamStorage();
  const clock = new ManualClock(1000);
  const buffered = new BufferedReceiver(receiver(storage, 'a', clock), 200, 1 << 20, clock, silentLogger);
  await buffered.receive(events(0, 4, 1000));
  await buffered.receive(events(5, 9, 1100));
  assert.equal(buffered.pending, 10);
  assert.deepEqual(await committedSeqs(storage), [], 'nothing is stored before the block interval ends');
  clock.set(1200);
  await buffered.flush(); // the loop's flush is queued behind this one
  assert.equal(buffered.pending, 0);
  assert.deepEqual(await committedSeqs(storage), Array.from({ length: 10 }, (_, i) => i));
  await buffered.receive(events(10, 12, 1300));
  await buffered.close();
  assert.deepEqual((await committedSeqs(storage)).slice(-3), [10, 11, 12], 'close stores the rest');
});

test('unreliable mode stores at once when the buffer reaches max block bytes', async () => {
  const storage = memoryStreamStorage();
  const clock = new ManualClock(0);
  const buffered = new BufferedReceiver(receiver(storage, 'a', clock), 200, 50, clock, silentLogger);
  await buffered.receive(events(0, 9));
  assert.equal(buffered.pending, 0);
  assert.equal((await committedSeqs(storage)).length, 10);
  await buffered.close();
});
