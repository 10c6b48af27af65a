import { SETTING_LIST } from '#sluice/config/settings.js';
import { AppChild } from '../e2e/support/app-child.js';
import { hubEnds } from '../e2e/support/stream-outputs.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { waitUntil, within } from '../support/wait.js';
import { azureStreamStorage } from '#sluice/adapters/azure/azure-storage.js';
import { storageClients } from '#sluice/adapters/azure/storage-clients.js';
import { loadConfig } from '#sluice/config/config.js';
import { startAzurite, type Azurite } from '#dev/azurite.js';
import { devHubConfig, startDevHub, type DevHub } from '#dev-hub/dev-hub.js';
import { StreamOutputs } from '../e2e/support/stream-outputs.js';
import { HUB, mib, PARTITIONS, runProducer, settings, STREAM } from './e2e-bench.js';

interface Backends { azurite: Azurite; hub: DevHub; outputs: StreamOutputs }

/** Azurite and the dev hub in this process, standing for Azure: the app's process holds only the app. */
async function backends(): Promise<Backends> {
  const azurite = await startAzurite();
  const hub = await startDevHub({ port: 0, config: devHubConfig([{ name: HUB, partitions: PARTITIONS }]) });
  const storage = azureStreamStorage(loadConfig(settings), storageClients({ kind: 'connectionString', connectionString: azurite.connectionString }));
  return { azurite, hub, outputs: new StreamOutputs(storage, STREAM) };
}

async function close(b: Backends): Promise<void> {
  await b.hub.close();
  await b.azurite.close();
}

const BOUND_SETTING = 'SLUICE_MAX_EVENTS_PER_PARTITION';
/** The Event Hubs Spark connector's maxRatePerPartition default, when Sluice has no bound of its own. */
const CONNECTOR_DEFAULT_BOUND = 1000;

/** The app in its own process, its storage (app and host) behind `storage`, every SLUICE_* setting as given. */
function startApp(b: Backends, storage: string, extra: Record<string, string>, reportRssMs?: number): AppChild {
  return new AppChild({ storageConnectionString: storage, eventHubConnectionString: b.hub.connectionString, settings: { ...settings, ...extra }, ...(reportRssMs && { reportRssMs }) });
}

const committedRecords = async (b: Backends): Promise<number> => (await b.outputs.allBatches()).filter((x) => x.completion).reduce((n, x) => n + x.allocation.records, 0);

/**
 * A storage outage while the producer keeps sending: all of the app's storage (its data, durable
 * history, trigger checkpoints) goes down for `outageS` seconds. Measured from the end of the
 * outage: the time until every event the hub holds is in a committed batch, and the records per
 * second committed over that catch-up.
 */
async function outage(outageS: number, rate: number): Promise<{ caughtUpS: number | undefined; recordsPerS: number; backlog: number; why: string }> {
  const b = await backends();
  const proxy = await FaultProxy.start(b.azurite.connectionString, { seed: 1 });
  const app = startApp(b, proxy.connectionString, {});
  try {
    await within(app.ready, 60_000, 'the app to start');
    const producing = runProducer(b.hub.connectionString, rate, rate * (outageS + 30));
    await new Promise((r) => setTimeout(r, 5000)); // live before the outage
    await proxy.outage(outageS * 1000);
    const end = performance.now();
    const before = await committedRecords(b);
    const sent = [...hubEnds(b.hub, HUB, PARTITIONS).values()].reduce((n, last) => n + last + 1, 0);
    let caughtUpS: number | undefined;
    try {
      await waitUntil(() => b.outputs.drained(hubEnds(b.hub, HUB, PARTITIONS)), 'the stream caught up after the outage', Math.max(120_000, outageS * 3000));
      caughtUpS = (performance.now() - end) / 1000;
    } catch {
      caughtUpS = undefined; // reported as "did not catch up", with what the app said
    }
    const after = await committedRecords(b);
    await producing;
    // When it did not catch up, the app's last distinct warnings and errors say why.
    const why = caughtUpS === undefined ? [...new Set(app.errors.split('\n').filter(Boolean))].slice(-4).map((l) => l.slice(0, 300)).join('\n    ') : '';
    return { caughtUpS, recordsPerS: caughtUpS ? (after - before) / caughtUpS : 0, backlog: sent - before, why };
  } finally {
    await app.kill();
    await proxy.close();
    await close(b);
  }
}

/** Peak RSS of the app while it drains a preloaded backlog of ten times the per-batch bound. */
async function backlogRss(bound: number): Promise<{ events: number; batches: number; peakRss: number; seconds: number }> {
  const b = await backends();
  const events = 10 * bound * PARTITIONS;
  try {
    await runProducer(b.hub.connectionString, 1_000_000, events);
    const ends = hubEnds(b.hub, HUB, PARTITIONS);
    const app = startApp(b, b.azurite.connectionString, { [BOUND_SETTING]: String(bound) }, 100);
    await within(app.ready, 60_000, 'the app to start');
    const t0 = performance.now();
    await waitUntil(() => b.outputs.drained(ends), 'the app drained the backlog', 600_000);
    const seconds = (performance.now() - t0) / 1000;
    await app.stop();
    const batches = (await b.outputs.allBatches()).filter((x) => x.completion && x.allocation.records > 0).length;
    return { events, batches, peakRss: app.peakRss, seconds };
  } finally {
    await close(b);
  }
}

/** Storage outage and catch-up: the figures of docs/benchmarks.md "Storage outage and catch-up". */
export async function outageBench(print: (line: string) => void, { quick }: { quick: boolean }): Promise<void> {
  const outageS = quick ? 20 : 180;
  const rate = quick ? 200 : 500;
  print(`Storage outage and catch-up (app process, its storage behind the fault proxy; Azurite and the dev hub in the bench process), ${PARTITIONS} partitions`);
  print(`  reproduce: npm run bench${quick ? ' -- --quick' : ''}`);
  const o = await outage(outageS, rate);
  print(o.caughtUpS === undefined
    ? `  after a ${outageS} s outage at ${rate} events/s: did NOT catch up (backlog ${o.backlog} events at the outage's end); the app said:\n    ${o.why}`
    : `  after a ${outageS} s outage at ${rate} events/s: caught up ${o.caughtUpS.toFixed(1)} s after storage came back; ${o.recordsPerS.toFixed(0)} records/s committed during catch-up (backlog ${o.backlog} events at the outage's end)`);
  const known = SETTING_LIST.some((s) => s.name === BOUND_SETTING);
  const bound = Number(process.env[BOUND_SETTING] ?? (quick ? 250 : CONNECTOR_DEFAULT_BOUND));
  const r = await backlogRss(bound);
  print(`  backlog of ${r.events} events (10 x ${BOUND_SETTING}=${bound} x ${PARTITIONS} partitions) drained in ${r.batches} batches, ${r.seconds.toFixed(1)} s: peak RSS ${mib(r.peakRss)}${known ? '' : ` (this build has no ${BOUND_SETTING}: a batch takes every stored event)`}`);
}
