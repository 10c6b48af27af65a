import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { DevHub } from '#dev-hub/dev-hub.js';
import { devHubConfig, startDevHub } from '#dev-hub/dev-hub.js';
import { clients, receive } from './support.js';

let hub: DevHub;
before(async () => {
  hub = await startDevHub({ port: 0, config: devHubConfig([{ name: 'pageviews', partitions: 3 }, { name: 'Orders', partitions: 2, consumerGroups: ['audit'] }]) });
});
after(() => hub.close());

test('batches round-robin over partitions and read back with broker annotations', async () => {
  const { producer, consumer, close } = clients(hub);
  try {
    for (let b = 0; b < 3; b++) {
      const batch = await producer.createBatch();
      for (let i = 0; i < 4; i++) assert.ok(batch.tryAdd({ body: { b, i }, properties: { n: b * 4 + i } }));
      await producer.sendBatch(batch);
    }
    const got = await receive(consumer, 12);
    assert.equal(got.length, 12);
    // One batch lands whole in one partition, and round-robin spreads the three batches.
    const byPartition = new Map<string, { b: number; i: number }[]>();
    for (const { partitionId, event } of got) byPartition.set(partitionId, [...(byPartition.get(partitionId) ?? []), event.body]);
    assert.equal(byPartition.size, 3);
    for (const bodies of byPartition.values()) {
      assert.equal(bodies.length, 4);
      assert.ok(bodies.every((x) => x.b === bodies[0]!.b));
    }
    for (const pid of ['0', '1', '2']) {
      const events = got.filter((g) => g.partitionId === pid).map((g) => g.event);
      assert.deepEqual(events.map((e) => e.sequenceNumber), [0, 1, 2, 3]);
      assert.ok(events.every((e) => typeof e.offset === 'string'));
      assert.equal(events[0]!.offset, '0');
      assert.ok(Number(events[1]!.offset) > Number(events[0]!.offset), 'offsets grow');
      assert.ok(events.every((e) => e.enqueuedTimeUtc instanceof Date && !Number.isNaN(e.enqueuedTimeUtc.getTime())));
      assert.ok(events.every((e) => e.properties?.n === e.body.b * 4 + e.body.i));
    }
  } finally {
    await close();
  }
});

test('sends to a named partition and by partition key', async () => {
  const { producer, consumer, close } = clients(hub, 'orders', 'AUDIT');
  try {
    await producer.sendBatch([{ body: 'to-1' }], { partitionId: '1' });
    await producer.sendBatch([{ body: 'keyed-a' }, { body: 'keyed-b' }], { partitionKey: 'customer-7' });
    const got = await receive(consumer, 3);
    const toOne = got.find((g) => g.event.body === 'to-1')!;
    assert.equal(toOne.partitionId, '1');
    const keyed = got.filter((g) => g.event.partitionKey === 'customer-7');
    assert.equal(keyed.length, 2);
    assert.equal(new Set(keyed.map((g) => g.partitionId)).size, 1, 'one key, one partition');
  } finally {
    await close();
  }
});

test('hub and partition properties', async () => {
  const { producer, close } = clients(hub, 'Orders');
  try {
    const props = await producer.getEventHubProperties();
    assert.equal(props.name, 'Orders');
    assert.deepEqual(props.partitionIds, ['0', '1']);
    assert.ok(props.createdOn instanceof Date);
    const before = await producer.getPartitionProperties('0');
    await producer.sendBatch([{ body: 1 }, { body: 2 }], { partitionId: '0' });
    const p = await producer.getPartitionProperties('0');
    assert.equal(p.partitionId, '0');
    assert.equal(p.eventHubName, 'Orders');
    assert.equal(p.beginningSequenceNumber, 0);
    assert.equal(p.lastEnqueuedSequenceNumber, before.lastEnqueuedSequenceNumber + 2);
    assert.equal(typeof p.lastEnqueuedOffset, 'string');
    assert.equal(p.isEmpty, false);
    assert.deepEqual(hub.partitionState('orders', '0').lastSequenceNumber, p.lastEnqueuedSequenceNumber);
    const empty = await producer.getPartitionProperties('1');
    if (empty.isEmpty) {
      assert.equal(empty.lastEnqueuedSequenceNumber, -1);
      assert.equal(empty.lastEnqueuedOffset, '-1');
    }
  } finally {
    await close();
  }
});

test('createBatch sees the 1 MB limit the hub sets on the link', async () => {
  const { producer, close } = clients(hub);
  try {
    const batch = await producer.createBatch();
    assert.equal(batch.maxSizeInBytes, 1024 * 1024);
    assert.equal(batch.tryAdd({ body: Buffer.alloc(1024 * 1024) }), false);
  } finally {
    await close();
  }
});
