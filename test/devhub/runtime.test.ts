import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventHubConsumerClient, type ReceivedEventData } from '@azure/event-hubs';
import { devHubConfig } from '#dev-hub/dev-hub.js';
import { clients, fastRetry, receive, withHub } from './support.js';
import { waitUntil } from '../support/wait.js';

const config = devHubConfig([{ name: 'pageviews', partitions: 2 }]);

test('runtime metrics: last enqueued properties arrive when asked for', () =>
  withHub({ config }, async (hub) => {
    const { producer, close } = clients(hub);
    const consumer = new EventHubConsumerClient('$Default', hub.connectionString, 'pageviews', { retryOptions: fastRetry });
    try {
      await producer.sendBatch([1, 2, 3].map((body) => ({ body })), { partitionId: '1' });
      const last = await new Promise<{ sequenceNumber?: number; offset?: string; enqueuedOn?: Date }>((resolve, reject) => {
        const sub = consumer.subscribe(
          '1',
          {
            processEvents: async (events, ctx) => {
              if (events.length > 0) resolve(ctx.lastEnqueuedEventProperties ?? {});
              await sub.close();
            },
            processError: async (err) => reject(err),
          },
          { startPosition: { offset: '-1' }, trackLastEnqueuedEventProperties: true, maxBatchSize: 1 },
        );
      });
      const state = hub.partitionState('pageviews', '1');
      assert.equal(last.sequenceNumber, 2);
      assert.equal(last.offset, state.lastOffset);
      assert.equal(last.enqueuedOn?.getTime(), state.lastEnqueuedTime);
    } finally {
      await consumer.close();
      await close();
    }
  }));

test('the hub survives clients vanishing mid-transfer and serves new ones', () =>
  withHub({ config }, async (hub) => {
    const first = clients(hub);
    const big = Array.from({ length: 200 }, (_, i) => ({ body: { i, pad: 'p'.repeat(2000) } }));
    await first.producer.sendBatch(big, { partitionId: '0' });
    const received: ReceivedEventData[] = [];
    const sub = first.consumer.subscribe('0', { processEvents: async (e) => void received.push(...e), processError: async () => {} }, { startPosition: { offset: '-1' }, maxBatchSize: 10 });
    try {
      await waitUntil(() => received.length > 0, 'the first events');
      hub.dropConnections();
      await waitUntil(() => hub.readerCount() === 0, 'the dropped reader to be released');
    } finally {
      await sub.close();
      await first.close();
    }

    const second = clients(hub);
    try {
      await second.producer.sendBatch([{ body: 'after' }], { partitionId: '0' });
      const got = await receive(second.consumer, 201, { partitionId: '0' });
      assert.equal(got.length, 201);
      assert.equal(got[200]!.event.body, 'after');
    } finally {
      await second.close();
    }
  }));
