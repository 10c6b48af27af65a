import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { EventHubProducerClient } from '@azure/event-hubs';
import { startStack, type Stack } from '#dev/stack.js';
import { ManualClock } from '#sluice/util/clock.js';
import { silentLogger } from '#sluice/util/log.js';
import { BatchLog } from '#sluice/wal/batch-log.js';
import { CheckpointStore } from '#sluice/wal/checkpoint-store.js';
import { readDeadLetters } from '#sluice/scheduler/dead-letter.js';
import { azureStreamStorage } from '#sluice/adapters/azure/azure-storage.js';
import { storageClients } from '#sluice/adapters/azure/storage-clients.js';
import type { StreamStorage } from '#sluice/ports/stream-storage.js';
import { runOneBatch, waitUntil } from '../support/wait.js';
import { singleStreamAppDir } from './single-stream-app/app-dir.js';

const T0 = 1_800_000_000_000;
const INTERVAL = 1000;
const DRIVER = 'sluice-apptest';
let stack: Stack;
let storage: StreamStorage;
let batches: BatchLog;
const clock = new ManualClock(T0);

before(async () => {
  stack = await startStack({
    appDir: singleStreamAppDir(), clock, port: 0, hubPort: 0, partitions: 2, log: silentLogger,
    settings: { SLUICE_STREAM_NAME: 'apptest', SLUICE_BATCH_INTERVAL: '1s', SLUICE_BLOCK_INTERVAL: '100ms', SLUICE_MAX_TASKS_PER_BATCH: '2', SLUICE_SUPERVISOR_SCHEDULE: '0 0 0 1 1 *' },
  });
  storage = azureStreamStorage(stack.config, storageClients({ kind: 'connectionString', connectionString: stack.storageConnectionString }));
  batches = new BatchLog(storage.wal, 'apptest');
});
after(() => stack.stop());

const runBatch = (): Promise<number> => runOneBatch(clock, batches, INTERVAL);

async function blobCounts(prefix: string): Promise<Map<string, number>> {
  const totals = new Map<string, number>();
  for (const name of await storage.output.list(prefix)) {
    for (const line of Buffer.from((await storage.output.get(name))!).toString().split('\n').filter(Boolean)) {
      const { key, value } = JSON.parse(line) as { key: string; value: number };
      totals.set(key, (totals.get(key) ?? 0) + value);
    }
  }
  return totals;
}

test('events sent with the SDK flow through receiver, driver and sinks, and match a direct computation', async () => {
  await waitUntil(async () => (await stack.runtime.getStatus(DRIVER))?.runtimeStatus === 'Running', 'the supervisor started the driver');
  const producer = new EventHubProducerClient(stack.eventHubConnectionString!, stack.config.eventHubName);
  const views = Array.from({ length: 40 }, (_, i) => ({ id: `v${i}`, ts: T0, user: `u${i % 3}`, page: `/p${i % 4}`, country: 'NL', device: 'mobile', durationMs: i }));
  const expected = new Map<string, number>();
  for (const v of views) expected.set(v.page, (expected.get(v.page) ?? 0) + 1);
  for (const partitionId of ['0', '1']) {
    const batch = await producer.createBatch({ partitionId });
    for (const v of views.filter((_, i) => String(i % 2) === partitionId)) assert.ok(batch.tryAdd({ body: v }));
    assert.ok(batch.tryAdd({ body: 'not json at all' }));
    await producer.sendBatch(batch);
  }
  await producer.close();
  const checkpoints = new CheckpointStore(storage.wal, 'apptest');
  await waitUntil(async () => (await checkpoints.list()).reduce((n, c) => n + c.events, 0) === 42, 'receivers stored all 42 events');
  let time = await runBatch();
  // Bounded: the 42 events are stored, so a few batches take them all.
  for (let batches = 1; (await blobCounts('page-counts-')).size < 4 || [...(await blobCounts('page-counts-')).values()].reduce((a, b) => a + b, 0) < 40; batches++) {
    if (batches >= 10) throw new Error('after 10 batches the 40 valid events are still not all in the page counts');
    time = await runBatch();
  }
  assert.deepEqual(new Map([...(await blobCounts('page-counts-'))].sort()), new Map([...expected].sort()));
  const dead = await readDeadLetters(storage.deadLetters, 'apptest/');
  assert.equal(dead.length, 2);
  // The SDK sends a string body as its JSON text, so the bytes on the wire (and in the dead letter) carry the quotes.
  assert.ok(dead.every((d) => d.body === '"not json at all"' && /JSON/.test(d.error) && d.sequenceNumber !== undefined), JSON.stringify(dead));
  const status = await stack.runtime.getStatus(DRIVER);
  assert.ok(['Running', 'ContinuedAsNew', 'Pending'].includes(status!.runtimeStatus));
  const rows = await storage.outputTable.range('page-counts');
  assert.equal(rows.length, 4, 'the Table sink holds one row per page');
  assert.ok(time > T0);
});

test('after a long pause the driver catches up, batch by batch in schedule order', async () => {
  const last = (await batches.latest())!.time;
  await waitUntil(() => clock.waiting > 0, 'the driver waits on its timer');
  clock.advance(5 * INTERVAL);
  await waitUntil(async () => (await batches.get(last + 5 * INTERVAL))?.status === 'completed', 'the five missed batches completed');
  const recent = (await batches.list({ limit: 6 })).reverse();
  assert.deepEqual(recent.map((b) => b.time), Array.from({ length: 6 }, (_, i) => last + i * INTERVAL));
  const completions = recent.map((b) => b.completion!.completedAt);
  assert.deepEqual([...completions].sort((a, b) => a - b), completions, 'committed in schedule order');
  assert.ok(recent.slice(1).every((b) => b.completion!.startedAt - b.time >= 0), 'scheduling delay is recorded');
  assert.ok(recent[1]!.completion!.startedAt - recent[1]!.time >= 4 * INTERVAL, 'the first missed batch shows its delay');
});

test('the driver history stays bounded across 100 batches', async () => {
  for (let i = 0; i < 100; i++) await runBatch();
  const length = await stack.runtime.historyLength(DRIVER);
  assert.ok(length < 40, `history has ${length} events after 100 batches`);
});

test('the HTTP API: status routes, clear 400s and 404s, stop and start, and a replay into its own prefix', async () => {
  const base = stack.host.url;
  const get = async (path: string) => { const r = await fetch(base + path); return { status: r.status, body: await r.json() as Record<string, unknown> }; };
  const post = async (path: string) => { const r = await fetch(base + path, { method: 'POST' }); return { status: r.status, body: await r.json() as Record<string, unknown> }; };
  assert.equal((await get('/api/streams')).status, 200);
  const running = await get('/api/streams/apptest');
  assert.equal(running.status, 200);
  assert.match(JSON.stringify(running.body), /"uptimeMs":\d+/, 'a running driver reports its uptime');
  assert.equal((await get('/api/streams/nope')).status, 404);
  assert.equal((await get('/api/streams/apptest/batches?limit=abc')).status, 400);
  assert.equal((await post('/api/streams/nope/stop')).status, 404);
  const badReplay = await post('/api/streams/apptest/replay?from=yesterday&to=1');
  assert.equal(badReplay.status, 400);
  assert.match(String(badReplay.body['error']), /"from"="yesterday" is not a batch time/);
  assert.equal((await post('/api/streams/apptest/replay?from=5&to=1')).status, 400);
  const page = await fetch(`${base}/api/streams/apptest/ui`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<html/);

  // Replay the batches that held the first test's events, and compare with the live outputs.
  const withData = (await batches.list({ limit: 500 })).filter((b) => b.allocation.records > 0).map((b) => b.time);
  const from = Math.min(...withData);
  const to = Math.max(...withData);
  const replay = await post(`/api/streams/apptest/replay?from=${from}&to=${to}`);
  assert.equal(replay.status, 202);
  await waitUntil(async () => (await stack.runtime.getStatus(String(replay.body['instanceId'])))?.runtimeStatus === 'Completed', 'the replay completed');
  const live = new Map<string, number>();
  for (const t of withData) for (const line of Buffer.from((await storage.output.get(`page-counts-${t}.ndjson`))!).toString().split('\n').filter(Boolean)) {
    const { key, value } = JSON.parse(line) as { key: string; value: number };
    live.set(key, (live.get(key) ?? 0) + value);
  }
  assert.deepEqual(new Map([...(await blobCounts(`replay-${from}-${to}/page-counts-`))].sort()), new Map([...live].sort()));

  assert.deepEqual((await post('/api/streams/apptest/stop')).body, { stopped: true });
  await waitUntil(async () => (await stack.runtime.getStatus(DRIVER))?.runtimeStatus === 'Terminated', 'the driver stopped');
  const stopped = await get('/api/streams/apptest');
  assert.match(JSON.stringify(stopped.body), /"stopped"/);
  await stack.host.invoke('sluice_supervisor', { triggerValue: { isPastDue: false, schedule: {}, scheduleStatus: {} } });
  assert.equal((await stack.runtime.getStatus(DRIVER))!.runtimeStatus, 'Terminated', 'the supervisor leaves a stopped stream alone');
  assert.deepEqual((await post('/api/streams/apptest/start')).body, { started: true });
  await waitUntil(async () => (await stack.runtime.getStatus(DRIVER))?.runtimeStatus === 'Running', 'the driver runs again');
  await runBatch();
});

test('the supervisor restarts a terminated driver; the stream resumes with no gap and no repeated batch', async () => {
  const before = (await batches.latest())!.time;
  await stack.runtime.terminate(DRIVER, 'test kills the driver');
  await waitUntil(async () => (await stack.runtime.getStatus(DRIVER))?.runtimeStatus === 'Terminated', 'the driver is terminated');
  clock.advance(3 * INTERVAL); // time passes while the driver is down
  await stack.host.invoke('sluice_supervisor', { triggerValue: { isPastDue: false, schedule: {}, scheduleStatus: {} } });
  await waitUntil(async () => (await stack.runtime.getStatus(DRIVER))?.runtimeStatus === 'Running', 'the supervisor restarted the driver');
  await waitUntil(async () => (await batches.get(before + 3 * INTERVAL))?.status === 'completed', 'the missed batches ran');
  await runBatch();
  const times = (await batches.list({ limit: 6 })).map((b) => b.time).reverse();
  assert.deepEqual(times, Array.from({ length: 6 }, (_, i) => times[0]! + i * INTERVAL), 'consecutive batch times: no gap, no repeat');
  assert.ok((await batches.list({ limit: 6 })).every((b) => b.status === 'completed'));
  const again = await stack.host.invoke('sluice_supervisor', { triggerValue: { isPastDue: false, schedule: {}, scheduleStatus: {} } });
  assert.equal(again, undefined);
  assert.equal((await stack.runtime.getStatus(DRIVER))!.runtimeStatus === 'Terminated', false);
});
