import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { azureStreamStorage } from '#sluice/adapters/azure/azure-storage.js';
import { storageClients } from '#sluice/adapters/azure/storage-clients.js';
import { loadConfig } from '#sluice/config/config.js';
import { startAzurite, type Azurite } from '#dev/azurite.js';
import { devHubConfig, startDevHub, type DevHub } from '#dev-hub/dev-hub.js';
import { waitUntil, within } from '../support/wait.js';
import { AppChild, QUICK_STREAM_SETTINGS } from './support/app-child.js';
import { assertExactOutputs } from './support/exact-outputs.js';
import { PacedProducer } from './support/paced-producer.js';
import { expireOwnerships, hubEnds, StreamOutputs } from './support/stream-outputs.js';

/**
 * The Functions app runs in a child process that is SIGKILLed at chosen points while events flow,
 * then restarted. Azurite and the dev hub stay in this process: they stand for Azure Storage and
 * Event Hubs, which do not die with the app.
 *
 * The producer is paced by the app, not by the clock: it sends a round only when everything sent
 * so far is stored and in a committed batch, and the app has not yet reached its kill point.
 * However slow the machine, every kill point gets the events it needs, and no round is wasted
 * before it.
 */
const STREAM = 'crash';
const SEED = 11;
const COUNT = 6000;
const ROUND = 150;
const MALFORMED_EVERY = 40;
const settings = { ...QUICK_STREAM_SETTINGS, SLUICE_STREAM_NAME: STREAM, SLUICE_SUPERVISOR_SCHEDULE: '0 0 0 1 1 *' };
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

const committed = async (): Promise<number> => (await outputs.allBatches()).filter((b) => b.completion).length;

test('an app SIGKILLed at several points while events flow, then restarted, loses and duplicates nothing', async (t) => {
  const external = { storageConnectionString: azurite.connectionString, eventHubConnectionString: hub.connectionString, settings };
  const producer = new PacedProducer(hub.connectionString, 'pageviews', { seed: SEED, count: COUNT, malformedEvery: MALFORMED_EVERY, roundSize: ROUND, partitions: 4 });
  let child: AppChild | undefined;
  const restart = async (freezeAt?: string): Promise<AppChild> => {
    if (child) {
      await child.kill();
      await expireOwnerships(azurite.connectionString);
    }
    child = new AppChild({ ...external, ...(freezeAt && { freezeAt }) });
    await within(child.ready, 60_000, 'the app process to start');
    return child;
  };
  /** Feeds rounds until `done` holds: the next round only once the last one is stored and in a committed batch. */
  const feedUntil = async (done: () => boolean | Promise<boolean>, what: string, app: AppChild): Promise<void> => {
    await waitUntil(async () => {
      if (await done()) return true;
      if (await outputs.drained(hubEnds(hub, 'pageviews', 4))) {
        if (!(await producer.sendRound())) throw new Error(`all ${COUNT} events were sent before ${what}`);
      }
      return false;
    }, what, 90_000).catch((err: Error) => { throw new Error(`${err.message}\n${app.errors}`); });
  };
  try {
    // Each kill lands right after a write reached storage and before the app could act on it.
    // Two rounds, the second deeper into each process's life.
    for (const point of ['blocks-stored:3', 'task-partial:2', 'sink-written:1', 'batch-completed:1', 'blocks-stored:25', 'task-partial:7', 'sink-written:3', 'batch-completed:3']) {
      const app = await restart(point);
      let frozen: string | undefined;
      void app.frozen.then((detail) => { frozen = detail; }, () => {});
      await feedUntil(() => frozen !== undefined, `the app reached ${point}`, app);
      t.diagnostic(`${producer.sent} events sent: killed at ${frozen}`);
    }
    // And once at no particular point, after it committed a few batches.
    const app = await restart();
    const before = await committed();
    await feedUntil(async () => (await committed()) >= before + 3, 'three more batches committed', app);
    t.diagnostic(`${producer.sent} events sent: killed after ${(await committed()) - before} more batches`);

    const last = await restart();
    await producer.sendRest();
    t.diagnostic(`last restart; all ${producer.sent} events sent`);
    await waitUntil(() => outputs.drained(hubEnds(hub, 'pageviews', 4)), 'the receivers read every partition to its end and a batch committed it all', 120_000)
      .catch((err: Error) => { throw new Error(`${err.message}\n${last.errors}`); });
    await last.stop();

    assert.equal(producer.sent, COUNT);
    await assertExactOutputs(outputs, { seed: SEED, sent: COUNT, malformedEvery: MALFORMED_EVERY });
  } finally {
    await producer.close();
    await child?.kill();
  }
});
