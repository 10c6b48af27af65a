import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { EventHubBufferedProducerClient } from '@azure/event-hubs';
import type { DevHub } from '#dev-hub/dev-hub.js';
import { devHubConfig, startDevHub } from '#dev-hub/dev-hub.js';
import { partitionIndexForKey } from '#dev-hub/partition-key-hash.js';
import { clients, fastRetry, receive } from './support.js';

let hub: DevHub;
before(async () => {
  hub = await startDevHub({ port: 0, config: devHubConfig([{ name: 'keyed', partitions: 7 }]) });
});
after(() => hub.close());

test('the hash matches values computed with the SDK mapper', () => {
  // From @azure/event-hubs 6.0.4 mapPartitionKeyToId, computed once.
  const known: [string, number, number][] = [['/pricing', 4, 0], ['/pricing', 32, 12], ['/home', 4, 3], ['/home', 32, 7], ['u17', 32, 1], ['NL', 32, 23], ['order-42', 32, 19]];
  for (const [key, count, expected] of known) assert.equal(partitionIndexForKey(key, count), expected, key);
});

test('keyed sends land where the buffered producer maps them, and hub-side keying agrees', async () => {
  const keys = Array.from({ length: 40 }, (_, i) => `user-${i}-${'x'.repeat(i % 15)}`);
  const buffered = new EventHubBufferedProducerClient(hub.connectionString, 'keyed', {
    retryOptions: fastRetry,
    onSendEventsErrorHandler: (ctx) => assert.fail(`buffered send failed: ${String(ctx.error)}`),
  });
  const { producer, consumer, close } = clients(hub, 'keyed');
  try {
    for (const key of keys) await buffered.enqueueEvent({ body: { key, via: 'client' } }, { partitionKey: key });
    await buffered.flush();
    for (const key of keys) await producer.sendBatch([{ body: { key, via: 'hub' } }], { partitionKey: key });
    const got = await receive(consumer, keys.length * 2);
    const where = new Map<string, string>();
    for (const { partitionId, event } of got) {
      // The buffered producer only routes by key; it does not send the key along.
      if (event.body.via === 'hub') assert.equal(event.partitionKey, event.body.key);
      assert.equal(partitionId, String(partitionIndexForKey(event.body.key, 7)), `${event.body.via} ${event.body.key}`);
      const seen = where.get(event.body.key);
      if (seen !== undefined) assert.equal(partitionId, seen, 'client and hub mapping agree');
      where.set(event.body.key, partitionId);
    }
    assert.ok(new Set(where.values()).size > 3, 'keys spread over partitions');
  } finally {
    await buffered.close({ flush: false });
    await close();
  }
});
