import { mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, readConnection } from 'sluice/internal';
import { BatchLog } from 'sluice/internal';
import { CheckpointStore } from 'sluice/internal';
import { azureStreamStorage } from 'sluice/internal';
import { storageClients } from 'sluice/internal';
import { consoleLogger } from 'sluice/internal';
import { produce } from './producer.js';
import { startStack } from './stack.js';

const USAGE = `npm start [-- options]
  --memory            keep Azurite and the dev hub in memory (default: persisted under .sluice/)
  --data-dir <dir>    where to persist (default .sluice)
  --port <n>          Functions host port (default 7071)
  --hub-port <n>      dev Event Hubs port (default 5672, the emulator's)
  --rate <n>          sample producer events/s (default 200); --rate 0 sends nothing
  --storage <cs>      use this storage account instead of Azurite (e.g. from azd's .env)
  --eventhub <cs>     use this Event Hubs instead of the dev hub (official emulator or a namespace)`;

/**
 * `npm start`: the main job on embedded defaults. Azurite, the dev Event Hubs, the local Functions
 * host with the app, and a sample producer sending page views (a few malformed on purpose). Prints
 * the status page URL and one line per batch; Ctrl-C stops everything cleanly, and the next start
 * resumes from the checkpoints.
 */
async function main(): Promise<void> {
  let flags;
  try {
    flags = parseArgs({
      options: {
        memory: { type: 'boolean' }, 'data-dir': { type: 'string' }, port: { type: 'string' }, 'hub-port': { type: 'string' },
        rate: { type: 'string' }, storage: { type: 'string' }, eventhub: { type: 'string' }, help: { type: 'boolean' },
      },
    }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (flags.help) return console.log(USAGE);
  const number = (name: string, raw: string | undefined, fallback: number): number => {
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw)) {
      console.error(`--${name} ${JSON.stringify(raw)} must be a whole number\n\n${USAGE}`);
      process.exit(2);
    }
    return Number(raw);
  };
  const rate = number('rate', flags.rate, 200);
  const dataDir = flags.memory ? undefined : (flags['data-dir'] ?? '.sluice');
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const stack = await startStack({
    port: number('port', flags.port, 7071), hubPort: number('hub-port', flags['hub-port'], 5672), log: consoleLogger,
    ...(dataDir && { dataDir }), ...(flags.storage && { storageConnectionString: flags.storage }), ...(flags.eventhub && { eventHubConnectionString: flags.eventhub }),
  });
  const { config } = stack;
  console.log(`\nSluice is running stream "${config.streamName}" (batch ${config.batchIntervalMs} ms, block ${config.blockIntervalMs} ms, ${config.receiverMode} receiver)`);
  console.log(`  status page:  ${stack.host.url}/api/streams/${config.streamName}/ui`);
  const hubConnection = readConnection('EventHubConnection');
  const namespace = hubConnection.kind === 'identity' ? hubConnection.fullyQualifiedNamespace : undefined;
  console.log(`  Event Hubs:   ${stack.eventHubConnectionString ?? `${namespace} (Entra ID)`}  hub "${config.eventHubName}"`);
  console.log(`  storage:      ${dataDir ? `persisted in ${dataDir}` : 'in memory'}; outputs in container "${config.containers.output}"\n`);

  const abort = new AbortController();
  const target = stack.eventHubConnectionString ?? namespace;
  const producing = rate > 0 && target
    ? produce({ connectionString: target, eventHubName: config.eventHubName, rate, count: Number.MAX_SAFE_INTEGER, seed: Date.now() % 100_000, malformedEvery: 97, signal: abort.signal })
        .catch((err: unknown) => console.error(`sample producer stopped: ${(err as Error).message}`))
    : Promise.resolve();
  const summaries = printBatches(stack, abort.signal);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping…');
    abort.abort();
    await producing;
    await summaries;
    await stack.stop();
    console.log('stopped; the next npm start resumes from the checkpoints');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

/** One line per committed batch: time, records, scheduling delay, processing time, lag. */
async function printBatches(stack: Awaited<ReturnType<typeof startStack>>, signal: AbortSignal): Promise<void> {
  const storage = azureStreamStorage(stack.config, storageClients({ kind: 'connectionString', connectionString: stack.storageConnectionString }));
  const batches = new BatchLog(storage.wal, stack.config.streamName);
  const checkpoints = new CheckpointStore(storage.wal, stack.config.streamName);
  let last = (await batches.latest())?.time ?? 0;
  console.log('batch time                 records  sched delay  processing      lag');
  while (!signal.aborted) {
    await new Promise((r) => setTimeout(r, 500));
    const fresh = (await batches.list({ limit: 20 }).catch(() => [])).filter((b) => b.time > last && b.completion).reverse();
    for (const b of fresh) {
      last = b.time;
      let lag = 0;
      for (const c of await checkpoints.list()) {
        const state = stack.hub?.partitionState(stack.config.eventHubName, c.partition);
        if (state && !state.isEmpty) lag += Math.max(0, state.lastSequenceNumber - c.lastSeq);
      }
      const c = b.completion!;
      console.log(`${new Date(b.time).toISOString()}  ${String(b.allocation.records).padStart(7)}  ${String(c.startedAt - b.time).padStart(8)} ms  ${String(c.completedAt - c.startedAt).padStart(7)} ms  ${stack.hub ? String(lag).padStart(7) : '      -'}`);
    }
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : `npm start failed: ${(err as Error).message}`);
  process.exit(1);
});
