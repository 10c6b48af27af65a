import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { EventHubConsumerClient, earliestEventPosition } from '@azure/event-hubs';
import { azureStreamStorage } from '../../src/adapters/azure/azure-storage.js';
import { storageClients } from '../../src/adapters/azure/storage-clients.js';
import { loadConfig } from '../../src/config/config.js';
import { startAzurite, type Azurite } from '../../src/local/azurite.js';
import { devHubConfig, startDevHub, type DevHub } from '../../src/local/devhub/dev-hub.js';
import { BlockStore } from '../../src/receiver/block-store.js';
import { waitUntil } from '../support/wait.js';
import { AppChild } from '../e2e/support/app-child.js';
import { hubEnds, StreamOutputs } from '../e2e/support/stream-outputs.js';

export const HUB = 'pageviews';
export const PARTITIONS = 4;
export const STREAM = 'bench';
export const settings = {
  SLUICE_STREAM_NAME: STREAM, SLUICE_EVENTHUB_NAME: HUB, SLUICE_BATCH_INTERVAL: '2s', SLUICE_BLOCK_INTERVAL: '200ms',
  SLUICE_SUPERVISOR_SCHEDULE: '0 0 0 1 1 *',
};
const PRODUCE_JS = fileURLToPath(new URL('../../src/local/produce.js', import.meta.url));

export interface Backends { azurite: Azurite; hub: DevHub; outputs: StreamOutputs }

/** Azurite and the dev hub in this process, standing for Azure: the app's process holds only the app. */
export async function backends(): Promise<Backends> {
  const azurite = await startAzurite();
  const hub = await startDevHub({ port: 0, config: devHubConfig([{ name: HUB, partitions: PARTITIONS }]) });
  const storage = azureStreamStorage(loadConfig(settings), storageClients({ kind: 'connectionString', connectionString: azurite.connectionString }));
  return { azurite, hub, outputs: new StreamOutputs(storage, STREAM) };
}

export async function close(b: Backends): Promise<void> {
  await b.hub.close();
  await b.azurite.close();
}

/** The producer CLI in its own process, as a user runs it; resolves when it has sent everything. */
export function runProducer(connection: string, rate: number, count: number): Promise<void> {
  const args = [PRODUCE_JS, '--connection', connection, '--hub', HUB, '--rate', String(rate), '--count', String(count), '--seed', '1', '--malformed-every', '100'];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (c: string) => { stderr += c; });
  return new Promise((resolve, reject) => child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`produce exited ${code}: ${stderr}`)))));
}

function startApp(b: Backends, reportRssMs?: number): AppChild {
  return new AppChild({ storageConnectionString: b.azurite.connectionString, eventHubConnectionString: b.hub.connectionString, settings, ...(reportRssMs && { reportRssMs }) });
}

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
export const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/**
 * Throughput: a backlog of `count` events is preloaded, then the app drains it through receivers,
 * batches and sinks; then a bare EventHubConsumerClient reads the same events and discards them.
 */
async function throughput(count: number): Promise<{ sluice: number; bare: number; batches: number }> {
  const b = await backends();
  try {
    await runProducer(b.hub.connectionString, 1_000_000, count);
    const ends = hubEnds(b.hub, HUB, PARTITIONS);
    const app = startApp(b);
    await app.ready;
    const started = Date.now(); // from READY: the host is up and its triggers start now
    await waitUntil(() => b.outputs.drained(ends), 'the app drained the backlog', 600_000);
    const withData = (await b.outputs.allBatches()).filter((x) => x.completion && x.allocation.records > 0);
    const last = Math.max(...withData.map((x) => x.completion!.completedAt));
    await app.stop();
    const sluice = count / ((last - started) / 1000);

    const client = new EventHubConsumerClient('$Default', b.hub.connectionString, HUB);
    let seen = 0;
    const t0 = performance.now();
    let t1 = 0;
    const subscription = client.subscribe({
      processEvents: async (events) => {
        seen += events.length;
        if (seen >= count && t1 === 0) t1 = performance.now();
      },
      processError: async () => {},
    }, { startPosition: earliestEventPosition, maxBatchSize: 1000, maxWaitTimeInSeconds: 1 });
    await waitUntil(() => t1 > 0, 'the bare consumer read the backlog', 600_000);
    await subscription.close();
    await client.close();
    return { sluice, bare: count / ((t1 - t0) / 1000), batches: withData.length };
  } finally {
    await close(b);
  }
}

/**
 * Latency and memory: the producer sends at a fixed rate for `seconds`; each event's latency is
 * its batch's completedAt (from the WAL, after its sinks wrote) minus its enqueued time (read back
 * from its block). The app reports its RSS every 250 ms.
 */
async function live(rate: number, seconds: number): Promise<{ p50: number; p99: number; events: number; peakRss: number }> {
  const b = await backends();
  try {
    const app = startApp(b, 250);
    await app.ready;
    await runProducer(b.hub.connectionString, rate, rate * seconds);
    await waitUntil(() => b.outputs.drained(hubEnds(b.hub, HUB, PARTITIONS)), 'the app drained the run', 120_000);
    await app.stop();
    const blocks = new BlockStore(b.outputs.storage.blocks, STREAM);
    const latencies: number[] = [];
    for (const batch of await b.outputs.allBatches()) {
      if (!batch.completion) continue;
      for (const range of batch.allocation.ranges) {
        for (const block of range.blocks) {
          for (const e of await blocks.read(range, block.first, block.last)) latencies.push(batch.completion.completedAt - e.enqueuedTime);
        }
      }
    }
    latencies.sort((x, y) => x - y);
    return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), events: latencies.length, peakRss: app.peakRss };
  } finally {
    await close(b);
  }
}

/**
 * The full local stack end to end: the app (local Functions host, durable driver, receivers) in
 * its own process, Azurite and the dev hub in this one, the producer CLI in a third.
 */
export async function e2eBench(print: (line: string) => void, { quick }: { quick: boolean }): Promise<void> {
  const backlog = quick ? 100_000 : 300_000;
  const rate = 500;
  const seconds = quick ? 30 : 180;
  print(`End to end on the local stack (app process + Azurite/dev hub in the bench process + producer CLI process), 2 s batches, ${PARTITIONS} partitions`);
  print(`  reproduce: npm run bench${quick ? ' -- --quick' : ''}`);
  const t = await throughput(backlog);
  print(`  sustained: ${backlog} preloaded events drained through receivers, ${t.batches} batches and sinks: ${t.sluice.toFixed(0)} events/s (from the host's READY to the last batch committed)`);
  print(`  bare EventHubConsumerClient reading and discarding the same events: ${t.bare.toFixed(0)} events/s (from subscribe to the last event)`);
  print(`  ratio Sluice / bare consumer: ${(t.sluice / t.bare).toFixed(2)} (target >= 0.5)`);
  const l = await live(rate, seconds);
  print(`  latency enqueue -> batch committed (sinks written), ${rate} events/s for ${seconds} s${quick ? ' (--quick; the full run is 180 s)' : ''}: p50 ${l.p50} ms, p99 ${l.p99} ms over ${l.events} events`);
  print(`  peak RSS of the app process over that run: ${mib(l.peakRss)}`);
}
