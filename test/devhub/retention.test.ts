import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import rhea from 'rhea';
import { devHubConfig } from '#dev-hub/dev-hub.js';
import { PartitionLog } from '#dev-hub/partition-log.js';
import { ManualClock } from '#sluice/util/clock.js';
import { clients, receive, withHub } from './support.js';

const config = devHubConfig([{ name: 'pageviews', partitions: 1 }]);
const event = (body: string) => rhea.message.encode({ body: rhea.message.data_section(Buffer.from(body)) });

test('retention by count keeps the newest events; readers start at the oldest retained', () =>
  withHub({ config, retention: { maxEventsPerPartition: 3 } }, async (hub) => {
    const { producer, consumer, close } = clients(hub);
    try {
      await producer.sendBatch(['a', 'b', 'c', 'd', 'e'].map((body) => ({ body })));
      const p = await producer.getPartitionProperties('0');
      assert.equal(p.beginningSequenceNumber, 2);
      assert.equal(p.lastEnqueuedSequenceNumber, 4);
      const got = await receive(consumer, 3, { partitionId: '0' });
      assert.deepEqual(got.map((r) => r.event.body), ['c', 'd', 'e']);
      assert.deepEqual(got.map((r) => r.event.sequenceNumber), [2, 3, 4]);
    } finally {
      await close();
    }
  }));

test('retention by age drops events older than maxAgeMs on the hub clock', () => {
  const clock = new ManualClock(1_000_000);
  return withHub({ config, clock, retention: { maxAgeMs: 60_000 } }, async (hub) => {
    const { producer, consumer, close } = clients(hub);
    try {
      await producer.sendBatch([{ body: 'old' }]);
      clock.advance(30_000);
      await producer.sendBatch([{ body: 'mid' }]);
      clock.advance(40_000); // 'old' is now 70 s old
      await producer.sendBatch([{ body: 'new' }]);
      assert.equal((await producer.getPartitionProperties('0')).beginningSequenceNumber, 1);
      const got = await receive(consumer, 2, { partitionId: '0' });
      assert.deepEqual(got.map((r) => r.event.body), ['mid', 'new']);
      clock.advance(120_000);
      const p = await producer.getPartitionProperties('0');
      assert.equal(p.isEmpty, true);
      assert.equal(p.beginningSequenceNumber, 3);
      assert.equal(p.lastEnqueuedSequenceNumber, 2);
    } finally {
      await close();
    }
  });
});

test('retention by bytes bounds what a partition holds', () => {
  const log = new PartitionLog(new ManualClock(0), { maxBytesPerPartition: 1000 });
  for (let i = 0; i < 20; i++) log.append([event('x'.repeat(100))], undefined);
  assert.ok(log.retainedBytes <= 1000, `${log.retainedBytes} bytes retained`);
  assert.ok(log.retainedBytes > 500);
  assert.equal(log.state.lastSequenceNumber, 19);
  assert.ok(log.state.beginSequenceNumber > 10);
});

test('a persisted log reloads its events and keeps numbering after everything expired', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'devhub-log-'));
  const file = join(dir, 'p0.ndjson');
  try {
    const clock = new ManualClock(5_000);
    const first = new PartitionLog(clock, {}, file);
    first.append([event('a'), event('b')], 'k');
    first.append([event('c')], undefined);
    const before = first.state;
    await first.close();
    const second = new PartitionLog(clock, {}, file);
    assert.deepEqual(second.state, before);
    assert.deepEqual(second.get(1)!.bytes, new PartitionLog(clock, {}, file).get(1)!.bytes);
    assert.equal(rhea.message.decode(second.get(0)!.bytes).message_annotations!['x-opt-partition-key'], 'k');
    await second.close();
    clock.advance(10_000);
    const third = new PartitionLog(clock, { maxAgeMs: 1_000 }, file);
    assert.equal(third.state.isEmpty, true);
    assert.equal(third.state.beginSequenceNumber, 3);
    third.append([event('d')], undefined);
    assert.equal(third.state.lastSequenceNumber, 3, 'numbering continues after compaction');
    await third.close();
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    assert.equal(lines.length, 2, 'the compacted file holds a marker and the new event');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
