import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { EventHubConsumerClient } from '@azure/event-hubs';
import { devHubConfig, startDevHub, type DevHub } from '#dev-hub/dev-hub.js';
import { parseProduceArgs, DEV_HUB_CONNECTION } from '#dev/produce.js';
import { produce, ProduceError, type ProduceManifest } from '#dev/producer.js';
import { partitionIndexForKey } from '#dev-hub/partition-key-hash.js';
import { receive } from '../devhub/support.js';

const fast = { maxRetries: 0, timeoutInMs: 3000 };
let hub: DevHub;
let dir: string;
before(async () => {
  hub = await startDevHub({ port: 0, config: devHubConfig([{ name: 'pageviews', partitions: 4 }, { name: 'other', partitions: 2 }]) });
  dir = await mkdtemp(join(tmpdir(), 'produce-'));
});
after(async () => {
  await hub.close();
  await rm(dir, { recursive: true, force: true });
});

test('produce() sends keyed events; the manifest matches what a consumer reads', async () => {
  const manifestPath = join(dir, 'out', 'manifest.json');
  const progress: number[] = [];
  const manifest = await produce({
    connectionString: hub.connectionString, eventHubName: 'pageviews', rate: 5000, count: 300, seed: 42,
    keyField: 'page', malformedEvery: 50, manifestPath, retryOptions: fast, onProgress: (p) => progress.push(p.sent),
  });
  assert.equal(manifest.sent, 300);
  assert.equal(manifest.malformed, 6);
  assert.equal(manifest.valid, 294);
  assert.deepEqual(JSON.parse(await readFile(manifestPath, 'utf8')) as ProduceManifest, manifest);
  assert.equal(progress.at(-1), 300);

  const consumer = new EventHubConsumerClient('$Default', hub.connectionString, 'pageviews', { retryOptions: fast });
  try {
    const got = await receive(consumer, 300);
    const perKey: Record<string, number> = {};
    let malformed = 0;
    for (const { partitionId, event } of got) {
      const body = typeof event.body === 'string' ? event.body : JSON.stringify(event.body);
      let page: unknown;
      try {
        page = (JSON.parse(body) as { page?: unknown }).page;
      } catch {
        page = undefined;
      }
      if (typeof page !== 'string') {
        malformed++;
        continue;
      }
      perKey[page] = (perKey[page] ?? 0) + 1;
      assert.equal(partitionId, String(partitionIndexForKey(page, 4)), `keyed by page ${page}`);
    }
    assert.equal(malformed, manifest.malformed);
    assert.deepEqual(perKey, manifest.perKey);
  } finally {
    await consumer.close();
  }
});

test('produce() sends only to the listed partitions', async () => {
  const before = ['0', '1'].map((p) => hub.partitionState('other', p).lastSequenceNumber);
  await produce({ connectionString: hub.connectionString, eventHubName: 'other', rate: 5000, count: 40, seed: 1, partitions: ['1'], retryOptions: fast });
  assert.equal(hub.partitionState('other', '0').lastSequenceNumber, before[0]);
  assert.equal(hub.partitionState('other', '1').lastSequenceNumber, before[1]! + 40);
});

test('an unreachable endpoint fails fast with a clear message', async () => {
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
  const cs = `Endpoint=sb://localhost:${port};SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true`;
  await assert.rejects(produce({ connectionString: cs, eventHubName: 'pageviews', rate: 10, count: 5, seed: 1, retryOptions: { maxRetries: 0, timeoutInMs: 2000 } }), (err: Error) => {
    assert.ok(err instanceof ProduceError);
    assert.match(err.message, new RegExp(`Cannot send to event hub "pageviews" at sb://localhost:${port}`));
    assert.doesNotMatch(err.message, /\n\s+at /, 'no stack trace in the message');
    return true;
  });
});

test('a wrong hub name and a bad connection string are explained', async () => {
  await assert.rejects(produce({ connectionString: hub.connectionString, eventHubName: 'nope', rate: 10, count: 1, seed: 1, retryOptions: fast }), /there is no event hub named "nope"/);
  await assert.rejects(produce({ connectionString: 'not a connection string', eventHubName: 'x', rate: 10, count: 1, seed: 1 }), /connection string is not valid/);
});

test('CLI flags: defaults, environment and errors', () => {
  const parsed = parseProduceArgs(['--rate', '100', '--count', '10', '--partitions', '0,1', '--key-field', 'user', '--malformed-every', '5'], {});
  assert.deepEqual(parsed, { connectionString: DEV_HUB_CONNECTION, eventHubName: 'pageviews', rate: 100, count: 10, seed: 42, partitions: ['0', '1'], keyField: 'user', malformedEvery: 5 });
  const withOrders = parseProduceArgs(['--rate', '1', '--count', '1', '--orders-every', '4', '--malformed-every', '7'], {});
  assert.ok(!withOrders.help);
  assert.deepEqual(withOrders.orders, { eventHubName: 'orders', every: 4, malformedEvery: 7 }, 'orders go to the orders hub, malformed as often as the views');
  const ordersElsewhere = parseProduceArgs(['--rate', '1', '--count', '1', '--orders-every', '2', '--orders-hub', 'sales'], {});
  assert.ok(!ordersElsewhere.help);
  assert.deepEqual(ordersElsewhere.orders, { eventHubName: 'sales', every: 2 });
  assert.throws(() => parseProduceArgs(['--rate', '1', '--count', '1', '--orders-hub', 'sales'], {}), /--orders-hub needs --orders-every/);
  assert.throws(() => parseProduceArgs(['--rate', '1', '--count', '1', '--orders-every', '0'], {}), /--orders-every must be a whole number >= 1, not "0"/);
  const fromEnv = parseProduceArgs(['--rate', '1', '--count', '1'], { EventHubConnection: 'Endpoint=sb://x', SLUICE_EVENTHUB_NAME: 'clicks' });
  assert.ok(!fromEnv.help && fromEnv.connectionString === 'Endpoint=sb://x' && fromEnv.eventHubName === 'clicks');

  const cli = fileURLToPath(new URL('../../../packages/dev/dist/produce.js', import.meta.url));
  for (const [args, message] of [
    [['--count', '5'], /--rate is required/],
    [['--rate', 'fast', '--count', '5'], /--rate must be a positive number/],
    [['--rate', '5', '--count=-1'], /--count must be a whole number/],
    [['--rate', '5', '--count', '1', '--key-field', 'colour'], /--key-field must be one of/],
    [['--rate', '5', '--count', '1', '--partitions', 'a,b'], /--partitions must be/],
    [['--rate', '5', '--count', '1', '--frobnicate'], /Unknown option '--frobnicate'/],
  ] as [string[], RegExp][]) {
    const run = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, EventHubConnection: '' } });
    assert.equal(run.status, 2, `${args.join(' ')} exits 2`);
    assert.match(run.stderr, message);
    assert.match(run.stderr, /Usage: npm run produce/);
  }
});
