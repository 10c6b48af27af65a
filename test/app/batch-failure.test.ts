import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventHubProducerClient } from '@azure/event-hubs';
import { azureStreamStorage } from '../../src/adapters/azure/azure-storage.js';
import { storageClients } from '../../src/adapters/azure/storage-clients.js';
import { startStack } from '../../src/local/stack.js';
import type { StreamStorage } from '../../src/ports/stream-storage.js';
import { ManualClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/log.js';
import { BatchLog } from '../../src/wal/batch-log.js';
import { CheckpointStore } from '../../src/wal/checkpoint-store.js';
import { waitUntil } from '../support/wait.js';

const T0 = 1_800_000_000_000;

/** Task partial writes fail while `failing` is set: a task that fails however often it is retried. */
function faults() {
  const state = { failing: false };
  const wrap = (storage: StreamStorage): StreamStorage => ({
    ...storage,
    partials: {
      create: (n, d) => storage.partials.create(n, d), get: (n) => storage.partials.get(n), delete: (n) => storage.partials.delete(n), list: (p) => storage.partials.list(p),
      put: async (name, data) => {
        if (state.failing) throw new Error('injected: the partials container is unavailable');
        return storage.partials.put(name, data);
      },
    },
  });
  return { state, wrap };
}

for (const policy of ['stop', 'skip'] as const) {
  test(`a batch whose task fails after its retries is recorded failed, and the driver ${policy === 'stop' ? 'stops, keeping the data for a restart' : 'skips it and goes on'}`, async () => {
    const clock = new ManualClock(T0);
    const { state, wrap } = faults();
    const name = `fail${policy}`;
    const stack = await startStack({
      clock, port: 0, hubPort: 0, partitions: 1, log: silentLogger, wrapStorage: wrap,
      settings: { SLUICE_STREAM_NAME: name, SLUICE_BATCH_INTERVAL: '1s', SLUICE_BLOCK_INTERVAL: '100ms', SLUICE_ACTIVITY_RETRIES: '1', SLUICE_ON_BATCH_FAILURE: policy, SLUICE_SUPERVISOR_SCHEDULE: '0 0 0 1 1 *' },
    });
    try {
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
      const time = clock.now();
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
