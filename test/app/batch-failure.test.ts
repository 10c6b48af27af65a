import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventHubProducerClient } from '@azure/event-hubs';
import { RestError } from '@azure/storage-blob';
import { azureStreamStorage } from '#sluice/adapters/azure/azure-storage.js';
import { storageClients } from '#sluice/adapters/azure/storage-clients.js';
import { startStack, type Stack } from '#dev/stack.js';
import { ManualClock } from '#sluice/util/clock.js';
import { silentLogger } from '#sluice/util/log.js';
import { BatchLog } from '#sluice/wal/batch-log.js';
import { CheckpointStore } from '#sluice/wal/checkpoint-store.js';
import { failingPartials } from '../support/failing-partials.js';
import { waitUntil } from '../support/wait.js';
import { singleStreamAppDir } from './single-stream-app/app-dir.js';

const T0 = 1_800_000_000_000;
/** One name for every stack here: the app registers its stream once per process, as it loads once. */
const STREAM = 'failing';

/** Stores one event, then turns the failure on and lets the driver reach the next batch time. */
async function failFromNextBatch(stack: Stack, clock: ManualClock, name: string, state: { failing: boolean }) {
  const driver = `sluice-${name}`;
  const storage = azureStreamStorage(stack.config, storageClients({ kind: 'connectionString', connectionString: stack.storageConnectionString }));
  const batches = new BatchLog(storage.wal, name);
  await waitUntil(async () => (await stack.runtime.getStatus(driver))?.runtimeStatus === 'Running', 'the driver runs');
  const producer = new EventHubProducerClient(stack.eventHubConnectionString!, stack.config.eventHubName);
  await producer.sendBatch([{ body: { id: 'a', user: 'u', page: '/x', country: 'NL', device: 'web', durationMs: 1 } }], { partitionId: '0' });
  await producer.close();
  await waitUntil(async () => (await new CheckpointStore(storage.wal, name).list()).some((c) => c.events === 1), 'the event is stored');
  state.failing = true;
  await waitUntil(() => clock.waiting > 0, 'the driver waits for its batch');
  clock.advance(1000);
  return { driver, storage, batches, time: clock.now() };
}

for (const policy of ['stop', 'skip'] as const) {
  test(`a batch whose task fails after its retries is recorded failed, and the driver ${policy === 'stop' ? 'stops, keeping the data for a restart' : 'skips it and goes on'}`, async () => {
    const clock = new ManualClock(T0);
    const { state, wrap } = failingPartials(() => new Error('injected: the partials container is unavailable'));
    const name = STREAM;
    const stack = await startStack({
      appDir: singleStreamAppDir(), clock, port: 0, hubPort: 0, partitions: 1, log: silentLogger, wrapStorage: wrap,
      settings: { SLUICE_STREAM_NAME: name, SLUICE_BATCH_INTERVAL: '1s', SLUICE_BLOCK_INTERVAL: '100ms', SLUICE_ACTIVITY_RETRIES: '1', SLUICE_ON_BATCH_FAILURE: policy, SLUICE_SUPERVISOR_SCHEDULE: '0 0 0 1 1 *' },
    });
    try {
      const { driver, storage, batches, time } = await failFromNextBatch(stack, clock, name, state);
      // Advance through the activity's retry delay until the batch is recorded failed.
      await waitUntil(async () => {
        if ((await batches.get(time))?.status === 'failed') return true;
        if (clock.waiting > 0 && (await batches.get(time))?.status === 'allocated') clock.advance(1000);
        return false;
      }, 'the batch is recorded failed');
      const failed = await batches.get(time);
      assert.match(failed!.failure!.error, /partials container is unavailable/);
      assert.equal(failed!.failure!.skipped, policy === 'skip');
      state.failing = false;

      if (policy === 'stop') {
        await waitUntil(async () => (await stack.runtime.getStatus(driver))?.runtimeStatus === 'Completed', 'the driver stopped');
        const status = await (await fetch(`${stack.host.url}/api/streams/${name}`)).text();
        assert.match(status, /"failed"/);
        assert.equal((await fetch(`${stack.host.url}/api/streams/${name}/start`, { method: 'POST' })).status, 200);
        await waitUntil(async () => (await batches.get(time))?.status === 'completed', 'the restarted driver ran the failed batch again');
        assert.ok(await storage.output.get(`page-counts-${time}.ndjson`));
      } else {
        await waitUntil(() => clock.waiting > 0, 'the driver waits for the next batch');
        clock.advance(1000);
        await waitUntil(async () => (await batches.get(time + 1000))?.status === 'completed', 'the next batch completed');
        assert.equal((await batches.get(time))!.status, 'failed', 'the skipped batch stays failed, its blocks kept for a replay');
        assert.ok((await storage.blocks.list(`${name}/`)).length > 0);
      }
    } finally {
      await stack.stop();
    }
  });
}

interface StatusJson { retrying?: { batchTime: number; attempt: number; nextAt: number; lastError: string; since: number } | null; health: { level: string; problems: string[] }; state: string }

for (const bounded of [false, true]) {
  test(bounded
    ? 'with SLUICE_TRANSIENT_RETRY_LIMIT, an outage longer than the limit fails the batch and the driver stops'
    : 'a storage outage never stops the driver: it retries the batch on durable timers past every retry count, shows it, and completes once storage is back', async () => {
    const clock = new ManualClock(T0);
    const { state, wrap } = failingPartials(() => new RestError('The server is busy.', { statusCode: 503, code: 'ServerBusy' }));
    const name = STREAM;
    const stack = await startStack({
      appDir: singleStreamAppDir(), clock, port: 0, hubPort: 0, partitions: 1, log: silentLogger, wrapStorage: wrap,
      settings: {
        SLUICE_STREAM_NAME: name, SLUICE_BATCH_INTERVAL: '1s', SLUICE_BLOCK_INTERVAL: '100ms', SLUICE_ACTIVITY_RETRIES: '1', SLUICE_RETRY_MAX_DELAY: '4s', SLUICE_ON_BATCH_FAILURE: 'stop',
        SLUICE_SUPERVISOR_SCHEDULE: '0 0 0 1 1 *', SLUICE_TRANSIENT_RETRY_LIMIT: bounded ? '10s' : 'unlimited',
      },
    });
    try {
      const status = async (): Promise<StatusJson> => (await (await fetch(`${stack.host.url}/api/streams/${name}`)).json()) as StatusJson;
      const { driver, storage, batches, time } = await failFromNextBatch(stack, clock, name, state);
      if (bounded) {
        await waitUntil(async () => {
          if ((await batches.get(time))?.status === 'failed') return true;
          const r = (await status()).retrying;
          if (r && clock.waiting > 0 && clock.now() < r.nextAt) clock.set(r.nextAt);
          return false;
        }, 'the batch fails once the limit has passed');
        assert.match((await batches.get(time))!.failure!.error, /SLUICE_TRANSIENT_RETRY_LIMIT.*The server is busy/);
        assert.ok(clock.now() - time >= 10_000, 'it retried for the whole limit');
        await waitUntil(async () => (await stack.runtime.getStatus(driver))?.runtimeStatus === 'Completed', 'the driver stopped (SLUICE_ON_BATCH_FAILURE=stop)');
        return;
      }
      const seen: number[] = [];
      await waitUntil(async () => {
        const r = (await status()).retrying;
        if (r && !seen.includes(r.attempt)) seen.push(r.attempt);
        if (r && r.attempt >= 6) return true;
        if (r && clock.waiting > 0 && clock.now() < r.nextAt) clock.set(r.nextAt);
        return false;
      }, 'six failed attempts: far past SLUICE_ACTIVITY_RETRIES=1');
      const shown = await status();
      assert.equal(shown.retrying!.batchTime, time);
      assert.match(shown.retrying!.lastError, /The server is busy\. \(status 503, ServerBusy\)/);
      assert.equal(shown.retrying!.since, time, 'since: when the first attempt failed');
      assert.ok(shown.health.problems.some((p) => p.startsWith(`Retrying batch ${time}: attempt ${shown.retrying!.attempt} failed, next at`)));
      assert.equal(shown.state, 'running');
      assert.equal((await batches.get(time))!.status, 'allocated', 'never recorded failed');
      assert.ok(shown.retrying!.nextAt - clock.now() <= 4000, 'the backoff is capped at SLUICE_RETRY_MAX_DELAY');
      // One attempt per execution: the history holds one attempt, however many came before.
      const history = (await stack.runtime.getHistory(driver)).length;
      assert.ok(history <= 20, `the driver history stays bounded while it retries (${history} events)`);

      state.failing = false;
      clock.set(shown.retrying!.nextAt);
      await waitUntil(async () => (await batches.get(time))?.status === 'completed', 'the batch completes once storage is back');
      assert.equal((await batches.get(time))!.completion!.attempts, 7);
      assert.ok(await storage.output.get(`page-counts-${time}.ndjson`));
      await waitUntil(async () => (await status()).retrying === null, 'the status no longer shows a retry');
    } finally {
      await stack.stop();
    }
  });
}
