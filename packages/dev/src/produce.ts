#!/usr/bin/env node
/**
 * npm run produce -- --rate 200 --count 10000 [--partitions 0,1] [--key-field page] [--seed 42]
 *   [--connection <cs>] [--hub pageviews] [--manifest out.json] [--malformed-every 100] [--late-every 10]
 *   [--orders-every 10] [--orders-hub orders]
 * Sends seeded sample page views to an event hub (the dev hub by default) at a steady rate, and
 * optionally the orders they lead to, for the sample app's second stream.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { produce, type ProduceOptions, type ProduceProgress } from './producer.js';
import type { PageView } from './sample-events.js';

export const DEV_HUB_CONNECTION = 'Endpoint=sb://localhost;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true';

const USAGE = `Usage: npm run produce -- --rate <events/s> --count <n> [options]

  --rate <n>             events per second (required)
  --count <n>            events to send (required)
  --partitions <ids>     comma-separated partition ids to send to, round-robin
  --key-field <field>    send keyed by this page-view field (user, page, country, device)
  --seed <n>             PRNG seed (default 42); same seed, same events
  --malformed-every <n>  make every nth event malformed on purpose
  --late-every <n>       send every nth event with an earlier timestamp: alternately 20 s back
                         (out of order) and 10 min back (behind the sample job's 1-minute watermark)
  --orders-every <n>     also send an order after every nth valid page view, by the same user, to
                         --orders-hub (the sample app's "orders" stream joins them with the views);
                         with --malformed-every, every nth order is malformed too
  --orders-hub <name>    the hub orders go to (default orders)
  --connection <cs>      connection string, or a namespace (x.servicebus.windows.net) for Entra ID sign-in
                         (default: $EventHubConnection, else $EventHubConnection__fullyQualifiedNamespace, else the local dev hub)
  --hub <name>           event hub name (default: $SLUICE_EVENTHUB_NAME, else pageviews)
  --manifest <file>      write what was sent (counts per key) as JSON
  --help                 show this text`;

class UsageError extends Error {}

function integer(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min) throw new UsageError(`--${name} must be a whole number >= ${min}, not "${value}"`);
  return n;
}

/** Parses flags into produce() options; throws UsageError on anything wrong. */
export function parseProduceArgs(argv: string[], env: NodeJS.ProcessEnv): (Omit<ProduceOptions, 'onProgress' | 'signal'> & { help?: false }) | { help: true } {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        rate: { type: 'string' },
        count: { type: 'string' },
        partitions: { type: 'string' },
        'key-field': { type: 'string' },
        seed: { type: 'string' },
        'malformed-every': { type: 'string' },
        'late-every': { type: 'string' },
        'orders-every': { type: 'string' },
        'orders-hub': { type: 'string' },
        connection: { type: 'string' },
        hub: { type: 'string' },
        manifest: { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return { help: true };
  if (values.rate === undefined) throw new UsageError('--rate is required');
  if (values.count === undefined) throw new UsageError('--count is required');
  const rate = Number(values.rate);
  if (!(rate > 0) || !Number.isFinite(rate)) throw new UsageError(`--rate must be a positive number, not "${values.rate}"`);
  const keyField = values['key-field'];
  if (keyField !== undefined && !['user', 'page', 'country', 'device', 'id'].includes(keyField)) {
    throw new UsageError(`--key-field must be one of user, page, country, device, id; not "${keyField}"`);
  }
  const partitions = values.partitions?.split(',').map((p) => p.trim());
  if (partitions && partitions.some((p) => !/^\d+$/.test(p))) throw new UsageError(`--partitions must be comma-separated partition ids like 0,1; not "${values.partitions}"`);
  const malformedEvery = integer('malformed-every', values['malformed-every'], 1);
  const lateEvery = integer('late-every', values['late-every'], 1);
  const ordersEvery = integer('orders-every', values['orders-every'], 1);
  if (values['orders-hub'] !== undefined && ordersEvery === undefined) throw new UsageError('--orders-hub needs --orders-every');
  const manifestPath = values.manifest;
  return {
    connectionString: values.connection || env.EventHubConnection || env.EventHubConnection__fullyQualifiedNamespace || DEV_HUB_CONNECTION,
    eventHubName: values.hub ?? env.SLUICE_EVENTHUB_NAME ?? 'pageviews',
    rate,
    count: integer('count', values.count, 0)!,
    seed: integer('seed', values.seed, 0) ?? 42,
    ...(partitions ? { partitions } : {}),
    ...(keyField ? { keyField: keyField as keyof PageView } : {}),
    ...(malformedEvery ? { malformedEvery } : {}),
    ...(lateEvery ? { lateEvery } : {}),
    ...(ordersEvery ? { orders: { eventHubName: values['orders-hub'] ?? 'orders', every: ordersEvery, ...(malformedEvery ? { malformedEvery } : {}) } } : {}),
    ...(manifestPath ? { manifestPath } : {}),
  };
}

function progressLine(p: ProduceProgress, tty: boolean): string {
  const width = 30;
  const done = p.total === 0 ? width : Math.round((p.sent / p.total) * width);
  const stats = `${p.sent}/${p.total} events  ${Math.round(p.rate)} ev/s  malformed ${p.malformed}`;
  return tty ? `\r[${'#'.repeat(done)}${'.'.repeat(width - done)}] ${stats}` : `${stats}\n`;
}

async function main(): Promise<number> {
  let options;
  try {
    options = parseProduceArgs(process.argv.slice(2), process.env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`produce: ${err.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const tty = Boolean(process.stdout.isTTY);
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  let lastPlain = 0;
  try {
    const manifest = await produce({
      ...options,
      signal: abort.signal,
      onProgress: (p) => {
        // On a pipe, one line a second is plenty; on a terminal, redraw in place.
        if (tty || p.sent === p.total || p.elapsedMs - lastPlain >= 1000) {
          lastPlain = p.elapsedMs;
          process.stdout.write(progressLine(p, tty));
        }
      },
    });
    if (tty) process.stdout.write('\n');
    process.stdout.write(`${manifest.aborted ? 'Stopped after' : 'Sent'} ${manifest.sent} events (${manifest.malformed} malformed) to ${manifest.eventHubName} in ${(manifest.elapsedMs / 1000).toFixed(1)} s${options.manifestPath ? `; manifest: ${options.manifestPath}` : ''}\n`);
    return manifest.aborted ? 130 : 0;
  } catch (err) {
    if (tty) process.stdout.write('\n');
    process.stderr.write(`produce: ${(err as Error).message}\n`);
    return 1;
  }
}

// Run only as a program, so tests can import parseProduceArgs.
if (process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))) {
  process.exitCode = await main();
}
