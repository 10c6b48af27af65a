#!/usr/bin/env node
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, consoleLogger } from 'sluice/internal';
import { DEV_FLAGS_USAGE, FlagError, parseDevFlags } from './dev-flags.js';
import { startStack } from './stack.js';
import { stopOnSignal } from './stop-on-signal.js';

const USAGE = `sluice dev [options]
  Runs the Functions app in the current folder on the local stack: in-process Azurite, the dev
  Event Hubs with every hub the app's streams read, the local Functions host and the durable
  runtime. Build the app first (package.json "main" must match its compiled functions).
${DEV_FLAGS_USAGE}`;

/**
 * `sluice dev`, run from a Functions app's folder, like Core Tools' `func start` but with no
 * Docker and no Core Tools: the same stack the repository's `npm start` uses.
 */
async function main(argv: readonly string[]): Promise<void> {
  const [command, ...args] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') return console.log(USAGE);
  if (command !== 'dev') throw new FlagError(`unknown command ${JSON.stringify(command)}: the only command is "dev"`);
  const { flags } = parseDevFlags(args);
  if (flags.help) return console.log(USAGE);
  const appDir = process.cwd();
  const dataDir = flags.memory ? undefined : resolve(appDir, flags.dataDir);
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const stack = await startStack({
    appDir, port: flags.port, hubPort: flags.hubPort, partitions: flags.partitions, log: consoleLogger,
    ...(dataDir && { dataDir }), ...(flags.storage && { storageConnectionString: flags.storage }), ...(flags.eventhub && { eventHubConnectionString: flags.eventhub }),
  });
  // One "Name: value" line each, so scripts can read the endpoints (ports may be picked at random).
  console.log(`\nSluice dev stack for ${appDir}`);
  console.log(`  Functions host: ${stack.host.url}`);
  console.log(`  Status page:    ${stack.host.url}/api/ui`);
  if (stack.eventHubConnectionString) console.log(`  Event Hubs:     ${stack.eventHubConnectionString}`);
  console.log(`  Storage:        ${stack.storageConnectionString}`);
  console.log(`  Data:           ${dataDir ? `persisted in ${dataDir}` : 'in memory'}`);
  for (const s of stack.streams) {
    console.log(`  Stream ${s.name}: ${stack.host.url}/api/streams/${s.name}/ui  reads ${s.sources.map((x) => `"${x.eventHubName}" (${x.consumerGroup})`).join(' + ')}`);
  }
  if (stack.streams.length === 0) console.log('  (the app registers no Sluice streams)');
  console.log('');
  stopOnSignal(() => stack.stop());
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof FlagError) {
    console.error(`${err.message}\n\n${USAGE}`);
    process.exit(2);
  }
  console.error(err instanceof ConfigError ? err.message : `sluice dev failed: ${(err as Error).message}`);
  process.exit(1);
});
