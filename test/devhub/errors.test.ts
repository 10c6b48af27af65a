import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { EventHubConsumerClient, EventHubProducerClient, type MessagingError } from '@azure/event-hubs';
import type { DevHub } from '#dev-hub/dev-hub.js';
import { devHubConfig, startDevHub } from '#dev-hub/dev-hub.js';
import { clients, fastRetry, receive } from './support.js';

let hub: DevHub;
before(async () => {
  hub = await startDevHub({ port: 0, config: devHubConfig([{ name: 'pageviews', partitions: 2 }]), key: 'secret-key' });
});
after(() => hub.close());

/** The SDK raises MessagingError with the mapped error name in `code`. */
const named = (code: string) => (err: unknown) => {
  assert.equal((err as MessagingError).code, code, `expected ${code}, got ${String(err)}`);
  return true;
};

test('a wrong key or key name is an UnauthorizedError', async () => {
  for (const cs of [hub.connectionString.replace('secret-key', 'wrong-key'), hub.connectionString.replace('RootManageSharedAccessKey', 'Other')]) {
    const producer = new EventHubProducerClient(cs, 'pageviews', { retryOptions: fastRetry });
    try {
      await assert.rejects(producer.sendBatch([{ body: 1 }]), named('UnauthorizedError'));
      await assert.rejects(producer.getEventHubProperties(), named('UnauthorizedError'));
    } finally {
      await producer.close();
    }
  }
  assert.equal(hub.partitionState('pageviews', '0').lastSequenceNumber, -1, 'nothing was stored');
});

test('an unknown hub or consumer group is MessagingEntityNotFoundError', async () => {
  const producer = new EventHubProducerClient(hub.connectionString, 'nohub', { retryOptions: fastRetry });
  const consumer = new EventHubConsumerClient('nogroup', hub.connectionString, 'pageviews', { retryOptions: fastRetry });
  try {
    await assert.rejects(producer.sendBatch([{ body: 1 }]), named('MessagingEntityNotFoundError'));
    await assert.rejects(producer.getEventHubProperties(), named('MessagingEntityNotFoundError'));
    await assert.rejects(receive(consumer, 1, { partitionId: '0' }), named('MessagingEntityNotFoundError'));
  } finally {
    await Promise.all([producer.close(), consumer.close()]);
  }
});

test('an invalid partition id is ArgumentOutOfRangeError', async () => {
  const { producer, consumer, close } = clients(hub);
  try {
    await assert.rejects(producer.getPartitionProperties('7'), named('ArgumentOutOfRangeError'));
    await assert.rejects(producer.sendBatch([{ body: 1 }], { partitionId: '7' }), named('ArgumentOutOfRangeError'));
    await assert.rejects(receive(consumer, 1, { partitionId: '7' }), named('ArgumentOutOfRangeError'));
  } finally {
    await close();
  }
});

test('an event over 1 MB is rejected with MessageTooLargeError and not stored', async () => {
  const { producer, close } = clients(hub);
  try {
    await assert.rejects(producer.sendBatch([{ body: Buffer.alloc(1024 * 1024 + 10) }], { partitionId: '1' }), named('MessageTooLargeError'));
    assert.equal(hub.partitionState('pageviews', '1').lastSequenceNumber, -1);
    await producer.sendBatch([{ body: Buffer.alloc(900 * 1024) }], { partitionId: '1' });
    assert.equal(hub.partitionState('pageviews', '1').lastSequenceNumber, 0, 'a large event under the limit is fine');
  } finally {
    await close();
  }
});

test('starting past the end of a partition is ArgumentOutOfRangeError', async () => {
  const { producer, consumer, close } = clients(hub);
  try {
    await producer.sendBatch([{ body: 'a' }], { partitionId: '0' });
    const last = hub.partitionState('pageviews', '0').lastSequenceNumber;
    await assert.rejects(receive(consumer, 1, { partitionId: '0', startPosition: { sequenceNumber: last + 5 } }), named('ArgumentOutOfRangeError'));
  } finally {
    await close();
  }
});
