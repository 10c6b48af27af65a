import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { azureStreamStorage } from '../../src/adapters/azure/azure-storage.js';
import { storageClients } from '../../src/adapters/azure/storage-clients.js';
import { loadConfig } from '../../src/config/config.js';
import { startAzurite, type Azurite } from '../../src/local/azurite.js';
import { devHubConfig, startDevHub, type DevHub } from '../../src/local/devhub/dev-hub.js';
import { produce, type ProduceManifest } from '../../src/local/producer.js';
import { waitUntil } from '../support/wait.js';
import { AppChild } from './support/app-child.js';
import { expireOwnerships, hubEnds, StreamOutputs } from './support/stream-outputs.js';
import { expectedWorkload, sorted } from './support/workload.js';

/**
 * The Functions app runs in a child process that is SIGKILLed at chosen points while events flow,
 * then restarted. Azurite and the dev hub stay in this process: they stand for Azure Storage and
 * Event Hubs, which do not die with the app.
 */
const STREAM = 'crash';
const SEED = 11;
const COUNT = 6000;
const RATE = 300; // about 20 s of sending, longer than the kills take
const MALFORMED_EVERY = 40;
const settings = {
  SLUICE_STREAM_NAME: STREAM, SLUICE_BATCH_INTERVAL: '1s', SLUICE_BLOCK_INTERVAL: '100ms', SLUICE_MAX_TASKS_PER_BATCH: '4',
  SLUICE_SUPERVISOR_SCHEDULE: '0 0 0 1 1 *', SLUICE_RECEIVER_WAL: 'reliable',
};
let azurite: Azurite;
let hub: DevHub;
let outputs: StreamOutputs;

before(async () => {
  azurite = await startAzurite();
  hub = await startDevHub({ port: 0, config: devHubConfig([{ name: 'pageviews', partitions: 4 }]) });
  outputs = new StreamOutputs(azureStreamStorage(loadConfig(settings), storageClients({ kind: 'connectionString', connectionString: azurite.connectionString })), STREAM);
});
after(async () => {
  await hub.close();
  await azurite.close();
});

function bounded<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms); });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const committed = async (): Promise<number> => (await outputs.allBatches()).filter((b) => b.completion).length;

test('an app SIGKILLed at several points while events flow, then restarted, loses and duplicates nothing', async (t) => {
  const external = { storageConnectionString: azurite.connectionString, eventHubConnectionString: hub.connectionString, settings };
  const producing: Promise<ProduceManifest> = produce({
    connectionString: hub.connectionString, eventHubName: 'pageviews', rate: RATE, count: COUNT, seed: SEED, malformedEvery: MALFORMED_EVERY,
  }); // unkeyed (the hub spreads events over partitions), which sends much faster; the manifest still counts per page
  const t0 = Date.now();
  const at = (): string => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
  let child: AppChild | undefined;
  const restart = async (freezeAt?: string): Promise<AppChild> => {
    if (child) {
      await child.kill();
      await expireOwnerships(azurite.connectionString);
    }
    child = new AppChild({ ...external, ...(freezeAt && { freezeAt }) });
    await bounded(child.ready, 30_000, 'the app process to start');
    return child;
  };
  try {
    // Each kill lands right after a write reached storage and before the app could act on it.
    // Two rounds, the second deeper into each process's life, while the producer keeps sending.
    for (const point of ['blocks-stored:3', 'task-partial:2', 'sink-written:1', 'batch-completed:1', 'blocks-stored:25', 'task-partial:7', 'sink-written:3', 'batch-completed:3']) {
      const app = await restart(point);
      const detail = await bounded(app.frozen, 30_000, `the app to reach ${point}`).catch((err: Error) => { throw new Error(`${err.message}\n${app.errors}`); });
      t.diagnostic(`${at()}: killed at ${detail}`);
    }
    // And once at no particular point, after it committed a few batches.
    await restart();
    const before = await committed();
    await waitUntil(async () => (await committed()) >= before + 3, 'three more batches committed', 30_000);
    t.diagnostic(`${at()}: killed after ${(await committed()) - before} more batches`);

    const last = await restart();
    t.diagnostic(`${at()}: last restart`);
    const manifest = await bounded(producing, 60_000, 'the producer to finish');
    t.diagnostic(`${at()}: producer done`);
    await waitUntil(() => outputs.drained(hubEnds(hub, 'pageviews', 4)), 'the receivers read every partition to its end and a batch committed it all', 60_000)
      .catch((err: Error) => { throw new Error(`${err.message}\n${last.errors}`); });
    t.diagnostic(`${at()}: drained`);
    await last.stop();

    assert.equal(manifest.sent, COUNT);
    assert.equal(manifest.keyField, 'page');
    assert.equal(await outputs.storedEvents(), COUNT, 'the receivers stored every event exactly once');
    assert.deepEqual(sorted(await outputs.blobTotals('page-counts-')), sorted(new Map(Object.entries(manifest.perKey))), 'per-page totals equal the manifest');
    const expected = expectedWorkload(SEED, manifest.sent, MALFORMED_EVERY);
    assert.deepEqual(sorted(await outputs.tableValues('user-totals')), sorted(expected.perUser), 'running user totals equal the workload');
    const dead = await outputs.deadLetters();
    assert.deepEqual(dead.map((d) => d.body ?? '').sort(), expected.malformedBodies, 'the dead letters are exactly the malformed events');
    assert.equal(new Set(dead.map((d) => `${d.partition}/${d.sequenceNumber}`)).size, manifest.malformed, 'no event is dead-lettered twice');
    const batches = await outputs.allBatches();
    assert.ok(batches.every((b) => b.status !== 'failed'), 'no batch failed');
    assert.equal(batches.reduce((n, b) => n + b.allocation.records, 0), COUNT, 'the batches hold every event once');
  } finally {
    await child?.kill();
  }
});
