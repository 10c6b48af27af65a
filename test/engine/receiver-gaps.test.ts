import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryStreamStorage } from '#sluice/adapters/memory/memory-storage.js';
import { BlockStore } from '#sluice/receiver/block-store.js';
import type { HubRangeReader } from '#sluice/receiver/hub-range-reader.js';
import type { ReceivedEvent } from '#sluice/receiver/received-event.js';
import { FILL_CHUNK, ReliableReceiver } from '#sluice/receiver/reliable-receiver.js';
import { ManualClock } from '#sluice/util/clock.js';
import { MemoryLogger } from '#sluice/util/log.js';
import { CheckpointStore } from '#sluice/wal/checkpoint-store.js';
import type { StreamStorage } from '#sluice/ports/stream-storage.js';

const ref = { source: 'events', partition: '0' };
const events = (from: number, to: number): ReceivedEvent[] =>
  Array.from({ length: to - from + 1 }, (_, i) => ({ body: Buffer.from(`e${from + i}`), sequenceNumber: from + i, offset: String((from + i) * 10), enqueuedTime: 1000 + from + i }));

/** A hub partition that still holds sequence numbers from `begin` on (retention removed the rest). */
function hub(begin: number, last: number): HubRangeReader & { reads: [number, number][] } {
  const reads: [number, number][] = [];
  return {
    reads,
    async read(partition, from, to) {
      assert.equal(partition, '0');
      reads.push([from, to]);
      const lo = Math.max(from, begin);
      const hi = Math.min(to, last);
      return lo > hi ? [] : events(lo, hi);
    },
  };
}

function receiver(storage: StreamStorage, reader: HubRangeReader | undefined, log = new MemoryLogger()) {
  return new ReliableReceiver(new BlockStore(storage.blocks, 's'), new CheckpointStore(storage.wal, 's'),
    { source: 'events', partition: '0', blockIntervalMs: 1_000_000, maxBlockBytes: 1 << 20, owner: 'a', ...(reader && { hub: reader }) }, new ManualClock(5_000), log);
}

async function stored(storage: StreamStorage): Promise<string[]> {
  const checkpoints = new CheckpointStore(storage.wal, 's');
  const blocks = new BlockStore(storage.blocks, 's');
  const out: string[] = [];
  for (const b of await checkpoints.blocksBetween(ref, -1, Number.MAX_SAFE_INTEGER)) {
    for (const e of await blocks.read(ref, b.first, b.last)) out.push(`${e.sequenceNumber}:${Buffer.from(e.body as Uint8Array).toString()}`);
  }
  return out;
}

const expected = (from: number, to: number): string[] => events(from, to).map((e) => `${e.sequenceNumber}:e${e.sequenceNumber}`);

test('the first events after a fresh start are not a gap, wherever they start', async () => {
  const storage = memoryStreamStorage();
  const reader = hub(0, 100);
  const result = await receiver(storage, reader).receive(events(40, 45));
  assert.deepEqual({ filled: result.filled, lost: result.lost }, { filled: 0, lost: 0 });
  assert.deepEqual(reader.reads, []);
  assert.deepEqual(await stored(storage), expected(40, 45));
});

test('a jump past checkpoint + 1 is filled from the hub before the new events are committed', async () => {
  const storage = memoryStreamStorage();
  const reader = hub(0, 100);
  const r = receiver(storage, reader);
  await r.receive(events(0, 9));
  const result = await r.receive(events(20, 24));
  assert.deepEqual({ accepted: result.accepted, filled: result.filled, lost: result.lost }, { accepted: 5, filled: 10, lost: 0 });
  assert.deepEqual(reader.reads, [[10, 19]]);
  assert.deepEqual(await stored(storage), expected(0, 24));
  const cp = (await new CheckpointStore(storage.wal, 's').read(ref))!.checkpoint;
  assert.deepEqual({ lastSeq: cp.lastSeq, events: cp.events, gaps: cp.gaps }, { lastSeq: 24, events: 25, gaps: 0 });
});

test('a hole inside one delivery is filled too', async () => {
  const storage = memoryStreamStorage();
  const r = receiver(storage, hub(0, 100));
  await r.receive(events(0, 4));
  await r.receive([...events(5, 6), ...events(9, 10)]);
  assert.deepEqual(await stored(storage), expected(0, 10));
});

test('what retention removed is recorded as GapDetected, logged as an error, and the rest is stored', async () => {
  const storage = memoryStreamStorage();
  const log = new MemoryLogger();
  const r = receiver(storage, hub(15, 100), log);
  await r.receive(events(0, 9));
  const result = await r.receive(events(20, 21));
  assert.deepEqual({ filled: result.filled, lost: result.lost }, { filled: 5, lost: 5 });
  assert.deepEqual(await stored(storage), [...expected(0, 9), ...expected(15, 21)]);
  const checkpoints = new CheckpointStore(storage.wal, 's');
  assert.deepEqual(await checkpoints.gapsOf(ref), [{ kind: 'GapDetected', source: 'events', partition: '0', from: 10, to: 14, count: 5, detectedAt: 5_000 }]);
  assert.equal((await checkpoints.read(ref))!.checkpoint.gaps, 1);
  const errors = log.lines.filter((e) => e.level === 'error');
  assert.equal(errors.length, 1);
  assert.deepEqual({ from: errors[0]!.fields?.['from'], to: errors[0]!.fields?.['to'], count: errors[0]!.fields?.['count'] }, { from: 10, to: 14, count: 5 });
});

test('a long gap is filled in bounded chunks, each committed in order', async () => {
  const storage = memoryStreamStorage();
  const reader = hub(0, 10_000);
  const r = receiver(storage, reader);
  await r.receive(events(0, 0));
  const gapEnd = 2 * FILL_CHUNK + 10;
  await r.receive(events(gapEnd + 1, gapEnd + 1));
  assert.deepEqual(reader.reads, [[1, FILL_CHUNK], [FILL_CHUNK + 1, 2 * FILL_CHUNK], [2 * FILL_CHUNK + 1, gapEnd]]);
  assert.deepEqual(await stored(storage), expected(0, gapEnd + 1));
});

test('a failing hub read fails the call and commits nothing, so the retry finds the same gap', async () => {
  const storage = memoryStreamStorage();
  const good = hub(0, 100);
  let fail = true;
  const flaky: HubRangeReader = { read: (p, f, t) => (fail ? Promise.reject(new Error('hub unavailable')) : good.read(p, f, t)) };
  const r = receiver(storage, flaky);
  await r.receive(events(0, 4));
  await assert.rejects(r.receive(events(8, 9)), /hub unavailable/);
  assert.equal((await new CheckpointStore(storage.wal, 's').read(ref))!.checkpoint.lastSeq, 4);
  fail = false;
  await r.receive(events(8, 9));
  assert.deepEqual(await stored(storage), expected(0, 9));
});

test('without a hub reader, a gap is still never silent: it is recorded as lost', async () => {
  const storage = memoryStreamStorage();
  const r = receiver(storage, undefined);
  await r.receive(events(0, 1));
  const result = await r.receive(events(5, 5));
  assert.equal(result.lost, 3);
  assert.deepEqual((await new CheckpointStore(storage.wal, 's').gapsOf(ref)).map((g) => [g.from, g.to]), [[2, 4]]);
});
