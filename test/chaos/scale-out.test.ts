import assert from 'node:assert/strict';
import { test } from 'node:test';
import { azureStreamStorage } from '#sluice/adapters/azure/azure-storage.js';
import { storageClients } from '#sluice/adapters/azure/storage-clients.js';
import { loadConfig } from '#sluice/config/config.js';
import { startAzurite } from '#dev/azurite.js';
import { devHubConfig, startDevHub } from '#dev-hub/dev-hub.js';
import { produce } from '#dev/producer.js';
import { mulberry32 } from '#dev/sample-events.js';
import { AppChild, QUICK_STREAM_SETTINGS } from '../e2e/support/app-child.js';
import { assertExactOutputs } from '../e2e/support/exact-outputs.js';
import { expireOwnerships, hubEnds, StreamOutputs } from '../e2e/support/stream-outputs.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { waitUntil, within } from '../support/wait.js';

/**
 * Scale-out: three app processes on one hub and one storage account, as Flex runs several
 * instances. Each runs the receivers; only the first runs the driver and the supervisor, the others
 * turn them off with the real host's AzureWebJobs.<function>.Disabled setting. The Event Hubs SDK
 * balances the partitions between them. While events flow, instances are killed and restarted, so
 * partition ownership moves while invocations are in flight. Storage replies are slowed at random
 * (seeded) to hold invocations open longer, which makes the race between an old and a new owner
 * likely; the checkpoint's etag must fence it: the proxy counts the conflicts storage answered, and
 * the test fails if there were none, since then the fence was never exercised.
 *
 * The local durable runtime keeps no leases between processes (in Azure, Durable's control-queue
 * leases keep one driver), so the instances without the driver keep their durable tables apart:
 * the same account's blobs (trigger checkpoints and ownership are shared), another's tables.
 */
const STREAM = 'scale';
const SEED = 1104;
const COUNT = 3000;
const RATE = 100;
const MALFORMED_EVERY = 50;
const settings = { ...QUICK_STREAM_SETTINGS, SLUICE_STREAM_NAME: STREAM, SLUICE_SUPERVISOR_SCHEDULE: '*/5 * * * * *' };
const WITHOUT_DRIVER = { [`AzureWebJobs.sluice-${STREAM}-driver.Disabled`]: 'true', 'AzureWebJobs.sluice_supervisor.Disabled': 'true' };

test('three instances on one hub, killed and restarted while events flow: no loss, no duplicate, and the etag fence was exercised', async (t) => {
  const random = mulberry32(SEED);
  const azurite = await startAzurite();
  const driverless = await startAzurite(); // only its tables are used: durable state of the instances without the driver
  const hub = await startDevHub({ port: 0, config: devHubConfig([{ name: 'pageviews', partitions: 4 }]) });
  const proxy = await FaultProxy.start(azurite.connectionString, { seed: SEED, rates: { slow: 0.3 }, slowMs: 600 });
  const outputs = new StreamOutputs(azureStreamStorage(loadConfig(settings), storageClients({ kind: 'connectionString', connectionString: azurite.connectionString })), STREAM);
  const hostStorage = [azurite.connectionString, azurite.connectionString.replace(/TableEndpoint=[^;]+/, `TableEndpoint=${driverless.tableEndpoint}`)];
  const unexpectedExits: string[] = [];
  const instances: (AppChild | undefined)[] = [undefined, undefined, undefined];
  const start = async (i: number): Promise<void> => {
    const app = new AppChild({
      storageConnectionString: hostStorage[i === 0 ? 0 : 1]!, eventHubConnectionString: hub.connectionString,
      settings: { ...settings, SLUICE_STORAGE_CONNECTION: 'SluiceScaleStorage', SluiceScaleStorage: proxy.connectionString, ...(i > 0 && WITHOUT_DRIVER) },
    });
    let killed = false;
    const kill = app.kill.bind(app);
    app.kill = async () => { killed = true; await kill(); };
    void app.exited.then((how) => { if (!killed) unexpectedExits.push(`instance ${i} exited by itself (${String(how)}):\n${app.errors.slice(-3000)}`); });
    instances[i] = app;
    await within(app.ready, 60_000, `instance ${i} to start`);
  };
  // Who owned each partition's checkpoint, as seen while the run goes on.
  const owners = new Map<string, Set<string>>();
  const sampleOwners = async (): Promise<void> => {
    for (const c of await outputs.checkpoints.list()) owners.set(c.partition, (owners.get(c.partition) ?? new Set()).add(c.owner));
  };
  try {
    for (let i = 0; i < 3; i++) await start(i);
    const producing = produce({ connectionString: hub.connectionString, eventHubName: 'pageviews', rate: RATE, count: COUNT, seed: SEED, malformedEvery: MALFORMED_EVERY });
    // Kill one instance at a time, at seeded moments, and bring it back: instance 0 (the driver) too.
    for (const victim of [1, 2, 0, 1]) {
      await new Promise((r) => setTimeout(r, 2000 + Math.floor(random() * 2000)));
      await sampleOwners();
      await instances[victim]!.kill();
      // As the dead instance's claims expiring would; the live ones claim again on their next cycle.
      await expireOwnerships(azurite.connectionString);
      await start(victim);
      t.diagnostic(`killed and restarted instance ${victim}; conflicts so far ${proxy.counts.transactionConflicts}`);
    }
    const manifest = await within(producing, 120_000, 'the producer to finish');
    await waitUntil(async () => { await sampleOwners(); return outputs.drained(hubEnds(hub, 'pageviews', 4)); }, 'the three instances drained the hub', 90_000)
      .catch(async (err: Error) => { throw new Error(`${err.message}\n${await outputs.progress(hubEnds(hub, 'pageviews', 4))}\n${instances.map((a, i) => `instance ${i}:\n${a?.errors.slice(-2000) ?? ''}`).join('\n')}`); });
    t.diagnostic(`events ${manifest.sent}; faults ${JSON.stringify(proxy.counts)}; owners ${JSON.stringify([...owners].map(([p, o]) => [p, [...o]]))}`);

    assert.deepEqual(unexpectedExits, [], 'no instance exits by itself');
    assert.equal(manifest.sent, COUNT);
    await assertExactOutputs(outputs, { seed: SEED, sent: COUNT, malformedEvery: MALFORMED_EVERY });
    const allOwners = new Set([...owners.values()].flatMap((o) => [...o]));
    assert.ok(allOwners.size >= 2, `the partitions were spread over several instances: ${[...allOwners].join(', ')}`);
    assert.ok([...owners.values()].some((o) => o.size >= 2), 'ownership of at least one partition moved between instances');
    assert.ok(proxy.counts.transactionConflicts > 0, `the etag fence turned away a stale owner at least once (storage answered ${proxy.counts.transactionConflicts} transaction conflicts)`);
  } finally {
    for (const app of instances) await app?.kill();
    await proxy.close();
    await hub.close();
    await driverless.close();
    await azurite.close();
  }
});
