import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { earliestEventPosition, latestEventPosition, type EventPosition } from '@azure/event-hubs';
import type { DevHub } from '#dev-hub/dev-hub.js';
import { devHubConfig, startDevHub } from '#dev-hub/dev-hub.js';
import { ManualClock } from '#sluice/util/clock.js';
import { clients, receive } from './support.js';
import { waitUntil } from '../support/wait.js';

const T0 = 1_700_000_000_000;
const clock = new ManualClock(T0);
let hub: DevHub;
let c: ReturnType<typeof clients>;

before(async () => {
  hub = await startDevHub({ port: 0, clock, config: devHubConfig([{ name: 'pageviews', partitions: 1 }]) });
  c = clients(hub);
  await c.producer.sendBatch([0, 1, 2].map((n) => ({ body: n })));
  clock.advance(1000);
  await c.producer.sendBatch([3, 4].map((n) => ({ body: n })));
});
after(async () => {
  await c.close();
  await hub.close();
});

const bodies = async (count: number, startPosition: EventPosition) =>
  (await receive(c.consumer, count, { partitionId: '0', startPosition })).map((r) => r.event.body as number);

test('earliest reads everything, with enqueued times from the hub clock', async () => {
  const got = await receive(c.consumer, 5, { partitionId: '0', startPosition: earliestEventPosition });
  assert.deepEqual(got.map((r) => r.event.body), [0, 1, 2, 3, 4]);
  assert.deepEqual(got.map((r) => r.event.enqueuedTimeUtc.getTime()), [T0, T0, T0, T0 + 1000, T0 + 1000]);
});

test('sequence number, exclusive and inclusive', async () => {
  assert.deepEqual(await bodies(3, { sequenceNumber: 1 }), [2, 3, 4]);
  assert.deepEqual(await bodies(4, { sequenceNumber: 1, isInclusive: true }), [1, 2, 3, 4]);
});

test('offset, exclusive and inclusive', async () => {
  const all = await receive(c.consumer, 5, { partitionId: '0' });
  const offsetOf2 = all[2]!.event.offset;
  assert.deepEqual(await bodies(2, { offset: offsetOf2 }), [3, 4]);
  assert.deepEqual(await bodies(3, { offset: offsetOf2, isInclusive: true }), [2, 3, 4]);
});

test('enqueued time: events enqueued after the given time', async () => {
  assert.deepEqual(await bodies(2, { enqueuedOn: new Date(T0) }), [3, 4]);
  assert.deepEqual(await bodies(5, { enqueuedOn: new Date(T0 - 1) }), [0, 1, 2, 3, 4]);
});

test('latest: only events sent after the reader attached', async () => {
  const readers = hub.readerCount();
  const pending = receive(c.consumer, 1, { partitionId: '0', startPosition: latestEventPosition });
  await waitUntil(() => hub.readerCount() > readers, 'the reader to attach');
  await c.producer.sendBatch([{ body: 5 }]);
  assert.deepEqual((await pending).map((r) => r.event.body), [5]);
});
