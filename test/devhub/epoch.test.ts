import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { EventHubConsumerClient, type MessagingError, type ReceivedEventData, type Subscription } from '@azure/event-hubs';
import type { DevHub } from '#dev-hub/dev-hub.js';
import { devHubConfig, startDevHub } from '#dev-hub/dev-hub.js';
import { fastRetry } from './support.js';
import { waitUntil } from '../support/wait.js';

let hub: DevHub;
const opened: EventHubConsumerClient[] = [];
before(async () => {
  hub = await startDevHub({ port: 0, config: devHubConfig([{ name: 'pageviews', partitions: 2 }]) });
});
after(async () => {
  await Promise.all(opened.map((c) => c.close()));
  await hub.close();
});

/** A subscription that records what happens to it. */
function reader(partitionId: string, ownerLevel?: number) {
  const client = new EventHubConsumerClient('$Default', hub.connectionString, 'pageviews', { retryOptions: fastRetry });
  opened.push(client);
  const events: ReceivedEventData[] = [];
  const errors: MessagingError[] = [];
  const subscription: Subscription = client.subscribe(
    partitionId,
    {
      processEvents: async (batch) => void events.push(...batch),
      processError: async (err) => void errors.push(err as MessagingError),
    },
    { maxWaitTimeInSeconds: 1, startPosition: { offset: '-1' }, ...(ownerLevel !== undefined ? { ownerLevel } : {}) },
  );
  return { events, errors, subscription, codes: () => errors.map((e) => e.code) };
}

test('a higher epoch steals the partition; lower epochs and non-epoch readers are refused', async () => {
  const first = reader('0', 1);
  await waitUntil(() => hub.readerCount() === 1, 'the epoch-1 reader');
  const second = reader('0', 2);
  await waitUntil(() => first.codes().includes('ReceiverDisconnectedError'), 'the epoch-1 reader to be disconnected');
  await first.subscription.close();
  await waitUntil(() => hub.readerCount() === 1, 'only the epoch-2 reader to remain');

  const lower = reader('0', 1);
  await waitUntil(() => lower.codes().includes('ReceiverDisconnectedError'), 'the lower epoch to be refused');
  await lower.subscription.close();
  const plain = reader('0');
  await waitUntil(() => plain.codes().includes('ReceiverDisconnectedError'), 'the non-epoch reader to be refused');
  await plain.subscription.close();
  assert.equal(second.errors.length, 0, 'the owner is undisturbed');
  await second.subscription.close();
});

test('an equal epoch takes over too', async () => {
  const first = reader('1', 5);
  await waitUntil(() => hub.readerCount() === 1, 'the first reader');
  const second = reader('1', 5);
  await waitUntil(() => first.codes().includes('ReceiverDisconnectedError'), 'the first reader to be disconnected');
  await Promise.all([first.subscription.close(), second.subscription.close()]);
  await waitUntil(() => hub.readerCount() === 0, 'all readers to detach');
});

test('at most five non-epoch readers per consumer group and partition', async () => {
  const five = Array.from({ length: 5 }, () => reader('1'));
  await waitUntil(() => hub.readerCount() === 5, 'five readers');
  const sixth = reader('1');
  await waitUntil(() => sixth.codes().includes('QuotaExceededError'), 'the sixth reader to be refused');
  assert.ok(five.every((r) => r.errors.length === 0));
  await Promise.all([...five, sixth].map((r) => r.subscription.close()));
  await waitUntil(() => hub.readerCount() === 0, 'all readers to detach');
});
