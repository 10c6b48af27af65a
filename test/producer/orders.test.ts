import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { EventHubConsumerClient } from '@azure/event-hubs';
import { devHubConfig, startDevHub, type DevHub } from '#dev-hub/dev-hub.js';
import { produce, ProduceError } from '#dev/producer.js';
import { decodeOrder, type Order } from '../../sample/order.js';
import { decodePageView, type PageView } from '../../sample/page-view.js';
import { receive } from '../devhub/support.js';

const fast = { maxRetries: 0, timeoutInMs: 3000 };
let hub: DevHub;
before(async () => {
  hub = await startDevHub({ port: 0, config: devHubConfig([{ name: 'pageviews', partitions: 2 }, { name: 'orders', partitions: 2 }]) });
});
after(() => hub.close());

async function read<T>(hubName: string, count: number, decode: (e: { body: Uint8Array }) => T): Promise<{ valid: T[]; malformed: number }> {
  const consumer = new EventHubConsumerClient('$Default', hub.connectionString, hubName, { retryOptions: fast });
  try {
    const valid: T[] = [];
    let malformed = 0;
    for (const { event } of await receive(consumer, count)) {
      try {
        // The SDK hands a JSON body over parsed, and other bytes as they came.
        const body: unknown = event.body;
        const bytes = body instanceof Uint8Array ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
        valid.push(decode({ body: bytes }));
      } catch {
        malformed++;
      }
    }
    return { valid, malformed };
  } finally {
    await consumer.close();
  }
}

test('produce() with orders: one order per fifth valid view, by a user who viewed a page before it, a few malformed', async () => {
  const manifest = await produce({
    connectionString: hub.connectionString, eventHubName: 'pageviews', rate: 5000, count: 200, seed: 7, malformedEvery: 40,
    orders: { eventHubName: 'orders', every: 5, malformedEvery: 9 }, retryOptions: fast,
  });
  assert.equal(manifest.valid, 195);
  assert.deepEqual(manifest.orders, { eventHubName: 'orders', sent: 39, malformed: 4 });
  const views = await read<PageView>('pageviews', 200, (e) => decodePageView({ ...e, sequenceNumber: 0, offset: '0', enqueuedTime: 0 }));
  const orders = await read<Order>('orders', 39, (e) => decodeOrder({ ...e, sequenceNumber: 0, offset: '0', enqueuedTime: 0 }));
  assert.equal(views.valid.length, 195);
  assert.equal(orders.malformed, 4, 'the sample job dead-letters exactly the malformed orders');
  assert.equal(orders.valid.length, 35);
  const viewed = new Map<string, number>();
  for (const v of views.valid) viewed.set(v.user, Math.min(viewed.get(v.user) ?? Infinity, v.ts));
  for (const o of orders.valid) assert.ok((viewed.get(o.user) ?? Infinity) < o.ts, `order ${o.id} follows a view by ${o.user}`);
});

test('produce() refuses an order rate that is not a whole number >= 1', async () => {
  await assert.rejects(produce({ connectionString: hub.connectionString, eventHubName: 'pageviews', rate: 10, count: 1, seed: 1, orders: { eventHubName: 'orders', every: 0 } }), (err: unknown) => err instanceof ProduceError && /orders.every must be a whole number >= 1, not 0/.test(err.message));
});
