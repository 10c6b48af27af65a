/**
 * The Functions app alone, as a child process the e2e tests and the benchmark can SIGKILL: it runs
 * startStack over EXTERNAL storage and Event Hubs (kept alive by the parent, as Azure's are), with
 * every SLUICE_* setting from the environment. Not a test file: spawned by app-child.ts.
 *
 * Environment: E2E_STORAGE and E2E_EVENTHUB (connection strings); E2E_FREEZE_AT=<point>[:<nth>]
 * to stop dead at a freeze point; E2E_REPORT_RSS_MS to print the RSS every so often.
 * Stdout protocol, one line each: `READY <json>`, `FROZEN <detail>`, `RSS <bytes>`.
 */
import { startStack } from '#dev/stack.js';
import type { Logger } from '#sluice/util/log.js';
import { FreezeSwitch, isFreezePoint } from './freeze-switch.js';
import { singleStreamAppDir } from '../../app/single-stream-app/app-dir.js';

const storageConnectionString = process.env['E2E_STORAGE'];
const eventHubConnectionString = process.env['E2E_EVENTHUB'];
if (!storageConnectionString || !eventHubConnectionString) {
  process.stderr.write('app-process: E2E_STORAGE and E2E_EVENTHUB must be set\n');
  process.exit(2);
}

// Warnings and errors go to stderr, which the parent shows when a test fails.
const log: Logger = {
  info: () => {},
  warn: (m, f) => process.stderr.write(`warn: ${m} ${f ? JSON.stringify(f) : ''}\n`),
  error: (m, f) => process.stderr.write(`error: ${m} ${f ? JSON.stringify(f) : ''}\n`),
};

let freeze: FreezeSwitch | undefined;
const at = process.env['E2E_FREEZE_AT'];
if (at) {
  const [point = '', nth = '1'] = at.split(':');
  if (!isFreezePoint(point) || !/^\d+$/.test(nth)) {
    process.stderr.write(`app-process: E2E_FREEZE_AT=${at} is not <point>[:<nth>]\n`);
    process.exit(2);
  }
  freeze = new FreezeSwitch(point, Number(nth), (detail) => process.stdout.write(`FROZEN ${detail}\n`));
}

const stack = await startStack({
  appDir: singleStreamAppDir(), storageConnectionString, eventHubConnectionString, port: 0, log,
  ...(freeze && { wrapStorage: (s) => freeze.wrap(s) }),
});
process.stdout.write(`READY ${JSON.stringify({ url: stack.host.url, pid: process.pid, stream: stack.config.streamName })}\n`);

const rssEvery = Number(process.env['E2E_REPORT_RSS_MS'] ?? 0);
const rssTimer = rssEvery > 0 ? setInterval(() => process.stdout.write(`RSS ${process.memoryUsage().rss}\n`), rssEvery) : undefined;

process.once('SIGTERM', () => {
  clearInterval(rssTimer);
  stack.stop().then(() => process.exit(0), (err: unknown) => {
    process.stderr.write(`app-process: stop failed: ${(err as Error).message}\n`);
    process.exit(1);
  });
});
