import { mkdirSync } from 'node:fs';
import { azureStreamStorage, BatchLog, CheckpointStore, ConfigError, consoleLogger, readConnection, storageClients } from 'sluice/internal';
import { DEV_FLAGS_USAGE, FlagError, parseDevFlags, wholeNumberFlag } from './dev-flags.js';
import { produce } from './producer.js';
import { startStack } from './stack.js';
import { stopOnSignal } from './stop-on-signal.js';

const USAGE = `npm start [-- options]
${DEV_FLAGS_USAGE}
  --rate <n>          sample producer events/s (default 200); --rate 0 sends nothing`;

/**
 * `npm start`: the sample app's two streams on embedded defaults. Azurite, the dev Event Hubs with
 * every hub the app reads, the local Functions host with the app, and a sample producer sending
 * page views and the orders they lead to (a few of each malformed on purpose). Prints
 * the status page URL and one line per batch; Ctrl-C stops everything cleanly, and the next start
 * resumes from the checkpoints.
 */
async function main(): Promise<void> {
  let flags, rate;
  try {
    const parsed = parseDevFlags(process.argv.slice(2), ['rate']);
    flags = parsed.flags;
    rate = wholeNumberFlag('rate', parsed.rest['rate'], 200, 0);
  } catch (err) {
    if (!(err instanceof FlagError)) throw err;
    console.error(`${err.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (flags.help) return console.log(USAGE);
  const dataDir = flags.memory ? undefined : flags.dataDir;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const stack = await startStack({
    port: flags.port, hubPort: flags.hubPort, partitions: flags.partitions, log: consoleLogger,
    ...(dataDir && { dataDir }), ...(flags.storage && { storageConnectionString: flags.storage }), ...(flags.eventhub && { eventHubConnectionString: flags.eventhub }),
  });
  const { config } = stack;
  const hubConnection = readConnection('EventHubConnection');
  const namespace = hubConnection.kind === 'identity' ? hubConnection.fullyQualifiedNamespace : undefined;
  console.log(`\nSluice is running ${stack.streams.length} stream(s) (batch ${config.batchIntervalMs} ms, block ${config.blockIntervalMs} ms, ${config.receiverMode} receivers)`);
  console.log(`  streams:      ${stack.host.url}/api/ui`);
  for (const s of stack.streams) {
    console.log(`  ${s.name.padEnd(13)} ${stack.host.url}/api/streams/${s.name}/ui  reads ${s.sources.map((x) => `"${x.eventHubName}" (${x.consumerGroup})`).join(' + ')}`);
  }
  console.log(`  Event Hubs:   ${stack.eventHubConnectionString ?? `${namespace} (Entra ID)`}`);
  console.log(`  storage:      ${dataDir ? `persisted in ${dataDir}` : 'in memory'}; outputs in container "${config.containers.output}"\n`);

  // Page views go to the sample's "pageviews" hub; orders by the same users to "orders", when the app reads it.
  const hubs = new Set(stack.streams.flatMap((s) => s.sources.map((x) => x.eventHubName)));
  const viewsHub = hubs.has('pageviews') ? 'pageviews' : [...hubs][0];
  const abort = new AbortController();
  const target = stack.eventHubConnectionString ?? namespace;
  const producing = rate > 0 && target && viewsHub
    ? produce({
      connectionString: target, eventHubName: viewsHub, rate, count: Number.MAX_SAFE_INTEGER, seed: Date.now() % 100_000, malformedEvery: 97, signal: abort.signal,
      ...(hubs.has('orders') && { orders: { eventHubName: 'orders', every: 5, malformedEvery: 31 } }),
    }).catch((err: unknown) => console.error(`sample producer stopped: ${(err as Error).message}`))
    : Promise.resolve();
  const summaries = printBatches(stack, abort.signal);

  stopOnSignal(async () => {
    abort.abort();
    await producing;
    await summaries;
    await stack.stop();
    console.log('stopped; the next npm start resumes from the checkpoints');
  });
}

/** One line per committed batch of any stream: stream, time, records, scheduling delay, processing time, lag. */
async function printBatches(stack: Awaited<ReturnType<typeof startStack>>, signal: AbortSignal): Promise<void> {
  const storage = azureStreamStorage(stack.config, storageClients({ kind: 'connectionString', connectionString: stack.storageConnectionString }));
  const streams = await Promise.all(stack.streams.map(async (s) => {
    const batches = new BatchLog(storage.wal, s.name);
    // The console is best-effort: a storage read that fails prints nothing this round, and the next round tries again.
    return { ...s, batches, checkpoints: new CheckpointStore(storage.wal, s.name), last: (await batches.latest().catch(() => undefined))?.time ?? 0 };
  }));
  console.log('stream       batch time                 records  sched delay  processing      lag');
  while (!signal.aborted) {
    await new Promise((r) => setTimeout(r, 500));
    for (const s of streams) {
      const fresh = (await s.batches.list({ limit: 20 }).catch(() => [])).filter((b) => b.time > s.last && b.completion).reverse();
      for (const b of fresh) {
        s.last = b.time;
        // Lag is shown when the dev hub and the checkpoints can both be read, "-" otherwise.
        const checkpoints = stack.hub ? await s.checkpoints.list().catch(() => undefined) : undefined;
        let lag = 0;
        for (const c of checkpoints ?? []) {
          const hub = s.sources.find((x) => x.source === c.source)?.eventHubName;
          const state = hub === undefined ? undefined : stack.hub?.partitionState(hub, c.partition);
          if (state && !state.isEmpty) lag += Math.max(0, state.lastSequenceNumber - c.lastSeq);
        }
        const c = b.completion!;
        console.log(`${s.name.padEnd(12)} ${new Date(b.time).toISOString()}  ${String(b.allocation.records).padStart(7)}  ${String(c.startedAt - b.time).padStart(8)} ms  ${String(c.completedAt - c.startedAt).padStart(7)} ms  ${checkpoints ? String(lag).padStart(7) : '      -'}`);
      }
    }
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : `npm start failed: ${(err as Error).message}`);
  process.exit(1);
});
