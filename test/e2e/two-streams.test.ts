import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { EventHubProducerClient } from '@azure/event-hubs';
import { azureStreamStorage } from '#sluice/adapters/azure/azure-storage.js';
import { storageClients } from '#sluice/adapters/azure/storage-clients.js';
import { startStack, type Stack } from '#dev/stack.js';
import type { StreamStorage } from '#sluice/ports/stream-storage.js';
import { UNATTRIBUTED } from '../../sample/orders-job.js';
import type { PageView } from '../../sample/page-view.js';
import { readDeadLetters } from '#sluice/scheduler/dead-letter.js';
import { ManualClock } from '#sluice/util/clock.js';
import { silentLogger } from '#sluice/util/log.js';
import { BatchLog } from '#sluice/wal/batch-log.js';
import { CheckpointStore } from '#sluice/wal/checkpoint-store.js';
import { waitUntil } from '../support/wait.js';

// The repository's sample app (functions/), as `npm start` runs it: stream "pageviews" over hub
// "pageviews", and stream "orders" joining hub "orders" with hub "pageviews" read in its own group.
const T0 = 1_800_000_000_000;
const INTERVAL = 1000;
const clock = new ManualClock(T0);
let stack: Stack;
let storage: StreamStorage;
const log = { pageviews: undefined as unknown as BatchLog, orders: undefined as unknown as BatchLog };

before(async () => {
  stack = await startStack({
    clock, port: 0, hubPort: 0, partitions: 2, log: silentLogger,
    settings: { SLUICE_BATCH_INTERVAL: '1s', SLUICE_BLOCK_INTERVAL: '100ms', SLUICE_MAX_TASKS_PER_BATCH: '2', SLUICE_SUPERVISOR_SCHEDULE: '0 0 0 1 1 *' },
  });
  storage = azureStreamStorage(stack.config, storageClients({ kind: 'connectionString', connectionString: stack.storageConnectionString }));
  log.pageviews = new BatchLog(storage.wal, 'pageviews');
  log.orders = new BatchLog(storage.wal, 'orders');
});
after(() => stack.stop());

/** One batch time for both drivers: they share the clock, and each catches up on its fixed schedule. */
async function runBatch(): Promise<number> {
  await waitUntil(() => clock.waiting > 0, 'a driver waits on its batch timer');
  clock.advance(INTERVAL);
  const time = clock.now();
  await waitUntil(async () => (await log.pageviews.get(time))?.status === 'completed' && (await log.orders.get(time))?.status === 'completed', `batch ${time} completed in both streams`);
  return time;
}

async function ndjson<T>(prefix: string): Promise<T[]> {
  const out: T[] = [];
  for (const name of await storage.output.list(prefix)) {
    for (const line of Buffer.from((await storage.output.get(name))!).toString().split('\n').filter(Boolean)) out.push(JSON.parse(line) as T);
  }
  return out;
}

async function send(hub: string, bodies: string[]): Promise<void> {
  const producer = new EventHubProducerClient(stack.eventHubConnectionString!, hub);
  try {
    for (const partitionId of ['0', '1']) {
      const batch = await producer.createBatch({ partitionId });
      for (const body of bodies.filter((_, i) => String(i % 2) === partitionId)) assert.ok(batch.tryAdd({ body: Buffer.from(body) }));
      await producer.sendBatch(batch);
    }
  } finally {
    await producer.close();
  }
}

const stored = async (stream: string, source: string): Promise<number> =>
  (await new CheckpointStore(storage.wal, stream).list()).filter((c) => c.source === source).reduce((n, c) => n + c.events, 0);

test('the sample app registers two streams under distinct function names, and the dev hub has every hub and group they read', () => {
  assert.deepEqual(stack.streams.map((s) => s.name), ['pageviews', 'orders']);
  const names = stack.host.functions.map((f) => f.name);
  assert.equal(new Set(names).size, names.length, 'no function name twice');
  for (const f of ['sluice-pageviews-receiver', 'sluice-pageviews-driver', 'sluice-orders-orders-receiver', 'sluice-orders-views-receiver', 'sluice-orders-driver', 'sluice-orders-replay', 'sluice_supervisor']) {
    assert.ok(names.includes(f), `${f} is registered (have ${names.join(', ')})`);
  }
  const triggers = stack.host.functions.filter((f) => f.trigger.type === 'eventHubTrigger').map((f) => `${f.name} ${String(f.trigger.eventHubName)}/${String(f.trigger.consumerGroup)}`).sort();
  assert.deepEqual(triggers, ['sluice-orders-orders-receiver orders/$Default', 'sluice-orders-views-receiver pageviews/orders', 'sluice-pageviews-receiver pageviews/$Default']);
  assert.deepEqual(stack.hub!.hubNames().sort(), ['orders', 'pageviews']);
});

test('orders joined with the same users\' page views across two hubs: every order is attributed to its user\'s latest view', async () => {
  await waitUntil(async () => (await stack.runtime.getStatus('sluice-pageviews'))?.runtimeStatus === 'Running' && (await stack.runtime.getStatus('sluice-orders'))?.runtimeStatus === 'Running', 'the supervisor started both drivers');
  const pages = ['/', '/pricing', '/docs', '/blog'];
  const views: PageView[] = Array.from({ length: 24 }, (_, i) => ({ id: `v${String(i).padStart(2, '0')}`, ts: T0 - 30_000 + i * 997 % 20_000, user: `u${i % 5}`, page: pages[(i * 7) % 4]!, country: 'NL', device: 'mobile', durationMs: i }));
  const viewBodies = [...views.map((v) => JSON.stringify(v)), '{"user": "u1", "page": '];
  // u9 viewed nothing: its order is unattributed. Two orders are malformed.
  const orders = Array.from({ length: 12 }, (_, i) => ({ id: `o${i}`, ts: T0 + i, user: i === 11 ? 'u9' : `u${i % 5}`, amountCents: 100 * (i + 1) }));
  const orderBodies = [...orders.map((o) => JSON.stringify(o)), 'not json', JSON.stringify({ id: 'o-bad', ts: T0, user: 'u1', amountCents: -5 })];

  await send('pageviews', viewBodies);
  await waitUntil(async () => (await stored('pageviews', 'events')) === viewBodies.length && (await stored('orders', 'views')) === viewBodies.length, 'both streams stored every page view');
  await runBatch();
  await send('orders', orderBodies);
  await waitUntil(async () => (await stored('orders', 'orders')) === orderBodies.length, 'the orders stream stored every order');

  const latest = new Map<string, PageView>();
  for (const v of [...views].sort((a, b) => a.ts - b.ts || a.id.localeCompare(b.id))) latest.set(v.user, v);
  const expected = new Map(orders.map((o) => [o.id, latest.get(o.user)?.page ?? UNATTRIBUTED]));
  const revenue = new Map<string, number>();
  for (const o of orders) revenue.set(expected.get(o.id)!, (revenue.get(expected.get(o.id)!) ?? 0) + o.amountCents);

  type Attributed = { order: string; page: string; amountCents: number };
  for (let batches = 0; (await ndjson<Attributed>('attributed-orders-')).length < orders.length; batches++) {
    if (batches >= 10) throw new Error('after 10 batches not every order is attributed');
    await runBatch();
  }
  const attributed = await ndjson<Attributed>('attributed-orders-');
  assert.deepEqual(new Map(attributed.map((a) => [a.order, a.page])), expected);
  const perPage = new Map<string, number>();
  for (const { key, value } of await ndjson<{ key: string; value: number }>('revenue-by-page-')) perPage.set(key, (perPage.get(key) ?? 0) + value);
  assert.deepEqual(new Map([...perPage].sort()), new Map([...revenue].sort()));
  assert.ok(revenue.has(UNATTRIBUTED), 'the order of a user with no view is counted apart');

  // The page-views stream counted the same views on its own.
  const counts = new Map<string, number>();
  for (const { key, value } of await ndjson<{ key: string; value: number }>('page-counts-')) counts.set(key, (counts.get(key) ?? 0) + value);
  const sentPerPage = new Map<string, number>();
  for (const v of views) sentPerPage.set(v.page, (sentPerPage.get(v.page) ?? 0) + 1);
  assert.deepEqual(new Map([...counts].sort()), new Map([...sentPerPage].sort()));

  // Malformed events land in each stream's own dead letters: the orders stream also meets the bad view.
  const dead = await readDeadLetters(storage.deadLetters, 'orders/');
  assert.deepEqual(dead.map((d) => d.body).sort(), ['not json', '{"user": "u1", "page": ', JSON.stringify({ id: 'o-bad', ts: T0, user: 'u1', amountCents: -5 })].sort());
  assert.equal((await readDeadLetters(storage.deadLetters, 'pageviews/')).length, 1);
});

test('the status index lists both streams, each has its page, and a command to an unknown stream names the registered ones', async () => {
  const base = stack.host.url;
  const index = (await (await fetch(`${base}/api/streams`)).json()) as { streams: { name: string; links: { ui: string } }[] };
  assert.deepEqual(index.streams.map((s) => s.name), ['pageviews', 'orders']);
  for (const s of index.streams) {
    const page = await fetch(base + s.links.ui);
    assert.equal(page.status, 200, s.links.ui);
    assert.match(await page.text(), /<html/);
  }
  const receivers = (await (await fetch(`${base}/api/streams/orders/receivers`)).json()) as { receivers: { source: string; lag: number | null }[] };
  assert.deepEqual([...new Set(receivers.receivers.map((r) => r.source))].sort(), ['orders', 'views']);
  assert.ok(receivers.receivers.every((r) => r.lag === 0), `each source's lag comes from its own hub: ${JSON.stringify(receivers.receivers)}`);
  const unknown = await fetch(`${base}/api/streams/nope/start`, { method: 'POST' });
  assert.equal(unknown.status, 404);
  assert.match(((await unknown.json()) as { error: string }).error, /no stream named "nope"; this app runs "pageviews", "orders"/);
  const stop = await fetch(`${base}/api/streams/orders/stop`, { method: 'POST' });
  assert.deepEqual(await stop.json(), { stopped: true });
  await waitUntil(async () => (await stack.runtime.getStatus('sluice-orders'))?.runtimeStatus === 'Terminated', 'the orders driver stopped');
  assert.equal((await stack.runtime.getStatus('sluice-pageviews'))?.runtimeStatus, 'Running', 'stopping one stream leaves the other running');
});
