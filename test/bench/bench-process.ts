/**
 * One measured process of the end-to-end benchmark, forked by e2e-bench.ts with an IPC channel.
 * Each part runs alone in its process, so process.cpuUsage() is that part's CPU and nothing else's:
 *
 * - `azurite`: Azurite, standing for Azure Storage; counts requests by service, verb and container,
 *   except the bench's own (OBSERVER_AGENT).
 * - `hub <name> <partitions>`: the dev Event Hubs, standing for Event Hubs.
 * - `app`: the Sluice Functions app on the local host over those two (settings from the
 *   environment, as app-process.ts); counts function executions by name. BENCH_STACK, when set,
 *   is the stack.js of another build (a baseline checkout) to run instead of this one.
 * - `bare <connection> <hub> <count>`: a bare EventHubConsumerClient that reads `count` events on
 *   `go` and discards them.
 *
 * Stdout is not used; the first IPC message is `{ type: 'ready', ... }`.
 */
import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, Server } from 'node:http';
import { EventHubConsumerClient, earliestEventPosition } from '@azure/event-hubs';
import { startAzurite } from '#dev/azurite.js';
import { devHubConfig, startDevHub } from '#dev-hub/dev-hub.js';
import { startStack as thisStack } from '#dev/stack.js';
import type { Logger } from '#sluice/util/log.js';
import { TRIGGER_ENCODING_CHANNEL, type TriggerEncodingMessage } from '#local-host/eventhub-trigger.js';
import { hubEnds } from '../e2e/support/stream-outputs.js';
import { HOST_ENCODING_MICROS, OBSERVER_AGENT, serveProbe } from './process-probe.js';

const [role, ...args] = process.argv.slice(2);
const counts: Record<string, number> = {};
const count = (key: string) => { counts[key] = (counts[key] ?? 0) + 1; };
const ready = (info: Record<string, unknown>) => process.send!({ type: 'ready', ...info });

if (role === 'azurite') {
  const azurite = await startAzurite();
  const services = new Map<string, string>();
  for (const [service, endpoint] of [['blob', azurite.blobEndpoint], ['queue', azurite.queueEndpoint], ['table', azurite.tableEndpoint]] as const) {
    services.set(new URL(endpoint).port, service);
  }
  // Node's HTTP server publishes each request here (node:diagnostics_channel, built-in channels).
  subscribe('http.server.request.start', (message) => {
    const { request, server } = message as { request: IncomingMessage; server: Server };
    if (request.headers['user-agent']?.startsWith(OBSERVER_AGENT)) return;
    const address = server.address();
    const service = (address && typeof address === 'object' && services.get(String(address.port))) || 'other';
    const url = new URL(request.url ?? '/', 'http://x');
    const container = (url.pathname.split('/')[2] ?? '').replace(/\(.*$/, '');
    const sub = url.searchParams.get('comp');
    const kind = container === 'azure-webjobs-eventhub' ? (url.pathname.includes('/ownership/') ? ':ownership' : url.pathname.includes('/checkpoint/') ? ':checkpoint' : '') : '';
    count(`${service} ${request.method} ${container}${kind}${sub ? `?comp=${sub}` : ''}`);
  });
  serveProbe(() => counts);
  ready({ connectionString: azurite.connectionString });
} else if (role === 'hub') {
  const [name, partitions] = [args[0]!, Number(args[1])];
  const hub = await startDevHub({ port: 0, config: devHubConfig([{ name, partitions }]) });
  serveProbe(() => counts, async () => [...hubEnds(hub, name, partitions)]);
  ready({ connectionString: hub.connectionString });
} else if (role === 'app') {
  const log: Logger = {
    info: () => {},
    warn: (m, f) => process.stderr.write(`warn: ${m} ${f ? JSON.stringify(f) : ''}\n`),
    error: (m, f) => process.stderr.write(`error: ${m} ${f ? JSON.stringify(f) : ''}\n`),
  };
  const other = process.env['BENCH_STACK'];
  const startStack = other ? ((await import(other)) as { startStack: typeof thisStack }).startStack : thisStack;
  const stack = await startStack({ storageConnectionString: process.env['BENCH_STORAGE']!, eventHubConnectionString: process.env['BENCH_EVENTHUB']!, port: 0, log });
  // The app's own @azure/functions instance (loaded by the host from node_modules) runs this hook
  // before every invocation: app.hook.preInvocation (azure-functions-nodejs-library, src/hooks).
  const { app } = await import('@azure/functions');
  app.hook.preInvocation((context) => count(`executions ${context.invocationContext.functionName}`));
  // The local host's own trigger encoding, which Azure's Functions host does in its process. A
  // baseline build that does not publish it leaves the count out.
  subscribe(TRIGGER_ENCODING_CHANNEL, (message) => {
    counts[HOST_ENCODING_MICROS] = (counts[HOST_ENCODING_MICROS] ?? 0) + (message as TriggerEncodingMessage).cpuMicros;
  });
  serveProbe(() => counts);
  process.once('SIGTERM', () => {
    stack.stop().then(() => process.exit(0), (err: unknown) => {
      process.stderr.write(`bench app: stop failed: ${(err as Error).message}\n`);
      process.exit(1);
    });
  });
  ready({});
} else if (role === 'bare') {
  const [connection, hub, wanted] = args;
  const client = new EventHubConsumerClient('$Default', connection!, hub!);
  serveProbe(() => counts);
  process.on('message', (go: { type: string }) => {
    if (go.type !== 'go') return;
    const started = performance.now();
    let seen = 0;
    let done = false;
    const subscription = client.subscribe({
      processEvents: async (events) => {
        seen += events.length;
        if (seen >= Number(wanted) && !done) {
          done = true;
          const wallMs = performance.now() - started;
          void subscription.close().then(() => client.close()).then(() => process.send!({ type: 'done', wallMs }));
        }
      },
      processError: async (err) => { process.stderr.write(`bare consumer: ${err.message}\n`); },
    }, { startPosition: earliestEventPosition, maxBatchSize: 1000, maxWaitTimeInSeconds: 1 });
  });
  ready({});
} else {
  process.stderr.write(`bench-process: unknown role ${String(role)}\n`);
  process.exit(2);
}
