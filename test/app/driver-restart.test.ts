import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { EventHubProducerClient } from '@azure/event-hubs';
import { startAzurite, type Azurite } from '#dev/azurite.js';
import { devHubConfig, startDevHub, type DevHub } from '#dev-hub/dev-hub.js';
import { startStack, type Stack } from '#dev/stack.js';
import type { ObjectStore } from '#sluice/ports/object-store.js';
import type { StreamStorage } from '#sluice/ports/stream-storage.js';
import type { TableOperation } from '#sluice/ports/entity-table.js';
import { ManualClock } from '#sluice/util/clock.js';
import { silentLogger } from '#sluice/util/log.js';
import { BatchLog } from '#sluice/wal/batch-log.js';
import { CheckpointStore } from '#sluice/wal/checkpoint-store.js';
import { azureStreamStorage } from '#sluice/adapters/azure/azure-storage.js';
import { storageClients } from '#sluice/adapters/azure/storage-clients.js';
import { waitUntil } from '../support/wait.js';
import { singleStreamAppDir } from './single-stream-app/app-dir.js';

const T0 = 1_800_000_000_000;
const settings = { SLUICE_STREAM_NAME: 'restart', SLUICE_BATCH_INTERVAL: '1s', SLUICE_BLOCK_INTERVAL: '1s', SLUICE_MAX_TASKS_PER_BATCH: '2', SLUICE_SUPERVISOR_SCHEDULE: '0 0 0 1 1 *' };
let azurite: Azurite;
let hub: DevHub;

before(async () => {
  azurite = await startAzurite();
  hub = await startDevHub({ port: 0, config: devHubConfig([{ name: 'pageviews', partitions: 2 }]) });
});
after(async () => {
  await hub.close();
  await azurite.close();
});

/** Counts partial writes per task and completions per batch, and can hold one task's write. */
class Probe {
  readonly partialWrites = new Map<string, number>();
  completions = 0;
  hold: { task: string; release: (err: Error) => void } | undefined;

  wrap = (storage: StreamStorage): StreamStorage => {
    const partials: ObjectStore = {
      ...storage.partials,
      get: (n) => storage.partials.get(n), list: (p) => storage.partials.list(p), create: (n, d) => storage.partials.create(n, d), delete: (n) => storage.partials.delete(n),
      put: async (name, data) => {
        const task = name.slice(name.lastIndexOf('/') + 1);
        this.partialWrites.set(task, (this.partialWrites.get(task) ?? 0) + 1);
        if (this.hold?.task === task) await new Promise<void>((_, reject) => { this.hold!.release = reject; });
        return storage.partials.put(name, data);
      },
    };
    const wal = {
      get: storage.wal.get.bind(storage.wal), range: storage.wal.range.bind(storage.wal), scan: storage.wal.scan.bind(storage.wal),
      transact: async (ops: readonly TableOperation[]) => {
        const etags = await storage.wal.transact(ops);
        if (ops.some((o) => o.kind !== 'delete' && o.entity['status'] === 'completed' && o.entity['records'] !== 0)) this.completions++;
        return etags;
      },
    };
    return { ...storage, partials, wal };
  };
}

test('a host killed after some task activities completed: after restart only the unfinished task runs again, and the batch commits once', async () => {
  const clock = new ManualClock(T0);
  const probe = new Probe();
  const external = { storageConnectionString: azurite.connectionString, eventHubConnectionString: hub.connectionString };
  let stack: Stack = await startStack({ ...external, appDir: singleStreamAppDir(), clock, port: 0, log: silentLogger, settings, wrapStorage: probe.wrap });
  await waitUntil(async () => (await stack.runtime.getStatus('sluice-restart'))?.runtimeStatus === 'Running', 'the driver runs');

  const producer = new EventHubProducerClient(hub.connectionString, 'pageviews');
  for (const partitionId of ['0', '1']) {
    const batch = await producer.createBatch({ partitionId });
    for (let i = 0; i < 5; i++) batch.tryAdd({ body: { id: `${partitionId}-${i}`, user: `u${i}`, page: `/p${i % 2}`, country: 'NL', device: 'web', durationMs: 1 } });
    await producer.sendBatch(batch);
  }
  await producer.close();
  const storage = azureStreamStorage(stack.config, storageClients({ kind: 'connectionString', connectionString: azurite.connectionString }));
  const checkpoints = new CheckpointStore(storage.wal, 'restart');
  await waitUntil(async () => (await checkpoints.list()).reduce((n, c) => n + c.events, 0) === 10, 'all events are stored as blocks');

  probe.hold = { task: 'task-1.json', release: () => undefined };
  await waitUntil(() => clock.waiting > 0, 'the driver waits on its timer');
  clock.advance(1000);
  const time = clock.now();
  await waitUntil(() => probe.partialWrites.get('task-0.json') === 1 && probe.partialWrites.get('task-1.json') === 1, 'task 0 finished and task 1 is running');
  // TaskCompleted (EventType 5) of nextBatchTime, allocate and task 0.
  const completed = async () => (await stack.runtime.getHistory('sluice-restart')).filter((e) => (e as { EventType?: number }).EventType === 5).length;
  await waitUntil(async () => (await completed()) === 3, 'task 0 completion is in the driver history');

  const held = probe.hold;
  probe.hold = undefined;
  await stack.stop(); // the host dies with task 1 in flight: its result never reaches the history
  held.release(new Error('the old host is gone'));

  stack = await startStack({ ...external, appDir: singleStreamAppDir(), clock, port: 0, log: silentLogger, settings, wrapStorage: probe.wrap });
  const batches = new BatchLog(storage.wal, 'restart');
  await waitUntil(async () => (await batches.get(time))?.status === 'completed', 'the batch completed after the restart');
  assert.equal(probe.partialWrites.get('task-0.json'), 1, 'the finished task did not run again');
  assert.equal(probe.partialWrites.get('task-1.json'), 2, 'the unfinished task ran again');
  assert.equal(probe.completions, 1, 'the batch committed exactly once');
  const counts = Buffer.from((await storage.output.get(`page-counts-${time}.ndjson`))!).toString().trim().split('\n').map((l) => JSON.parse(l) as { key: string; value: number });
  assert.deepEqual(counts.map((c) => [c.key, c.value]).sort(), [['/p0', 6], ['/p1', 4]]);
  await stack.stop();
});
