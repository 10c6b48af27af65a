import type { AddressInfo, Server, Socket } from 'node:net';
import rhea, { type Connection, type EventContext } from 'rhea';
import { systemClock, type Clock } from 'sluice';
import { defaultDevHubConfig, readHubSpecs, type EmulatorConfig } from './emulator-config.js';
import { EventHub } from './event-hub.js';
import { HubConnection } from './hub-connection.js';
import type { PartitionState, RetentionOptions } from './partition-log.js';

export { devHubConfig, type EmulatorConfig } from './emulator-config.js';
export type { PartitionState, RetentionOptions } from './partition-log.js';

export interface DevHubOptions {
  /** Default 5672, the emulator's port; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Shaped like the official emulator's Config.json; default: hub "pageviews" with 4 partitions. */
  config?: EmulatorConfig;
  /** Defaults as the emulator: RootManageSharedAccessKey / SAS_KEY_VALUE. */
  keyName?: string;
  key?: string;
  retention?: RetentionOptions;
  /** Folder for one append-only NDJSON log per partition; in memory when omitted. */
  persistDir?: string;
  clock?: Clock;
}

export interface DevHub {
  readonly port: number;
  /** `Endpoint=sb://localhost:<port>;SharedAccessKeyName=..;SharedAccessKey=..;UseDevelopmentEmulator=true` */
  readonly connectionString: string;
  /** Hub names as configured. */
  hubNames(): string[];
  /** Sequence numbers, offsets and emptiness of one partition (for tests and tools). */
  partitionState(hub: string, partitionId: string): PartitionState;
  /** Partition readers attached across all connections. */
  readerCount(): number;
  /** Drops every client connection abruptly (for reconnect tests). */
  dropConnections(): void;
  close(): Promise<void>;
}

export const DEFAULT_KEY_NAME = 'RootManageSharedAccessKey';
export const DEFAULT_KEY = 'SAS_KEY_VALUE';

/** Starts an Event Hubs-compatible AMQP 1.0 server that the unmodified @azure/event-hubs SDK can use. */
export async function startDevHub(options: DevHubOptions = {}): Promise<DevHub> {
  const clock = options.clock ?? systemClock;
  const key = { keyName: options.keyName ?? DEFAULT_KEY_NAME, key: options.key ?? DEFAULT_KEY };
  const specs = readHubSpecs(options.config ?? defaultDevHubConfig());
  const hubs = new Map<string, EventHub>();
  for (const [lower, spec] of specs) hubs.set(lower, new EventHub(spec, clock, options.retention ?? {}, options.persistDir));
  const context = { hubs, key, clock };

  const connections = new Map<Connection, HubConnection>();
  const stateOf = (c: Connection): HubConnection => {
    let state = connections.get(c);
    if (!state) connections.set(c, (state = new HubConnection(context)));
    return state;
  };
  const forget = (c: Connection): void => {
    connections.get(c)?.dispose();
    connections.delete(c);
  };

  // autoaccept off: a send is accepted only once stored; credit_window 0: we grant credit ourselves.
  const container = rhea.create_container({ id: 'sluice-devhub', autoaccept: false, credit_window: 0 });
  container.on('receiver_open', (ctx: EventContext) => stateOf(ctx.connection).onReceiverOpen(ctx.receiver!));
  container.on('sender_open', (ctx: EventContext) => stateOf(ctx.connection).onSenderOpen(ctx.sender!));
  container.on('receiver_close', (ctx: EventContext) => stateOf(ctx.connection).onLinkClosed(ctx.receiver!));
  container.on('sender_close', (ctx: EventContext) => stateOf(ctx.connection).onLinkClosed(ctx.sender!));
  container.on('session_close', (ctx: EventContext) => stateOf(ctx.connection).onSessionClosed(ctx.session!));
  container.on('connection_close', (ctx: EventContext) => forget(ctx.connection));
  container.on('disconnected', (ctx: EventContext) => forget(ctx.connection));
  // Errors of one client (a bad frame, a reset socket) must never take the hub down.
  container.on('error', () => {});
  container.on('connection_error', () => {});
  container.on('session_error', () => {});
  container.on('sender_error', () => {});
  container.on('receiver_error', () => {});

  const host = options.host ?? '127.0.0.1';
  const server: Server = container.listen({ port: options.port ?? 5672, host });
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new Error(`The dev hub cannot listen on ${host}:${options.port ?? 5672}: ${err.code === 'EADDRINUSE' ? 'the port is in use (is another hub or the emulator running?)' : err.message}`)),
    );
  });
  const port = (server.address() as AddressInfo).port;

  const hubOf = (name: string): EventHub => {
    const hub = hubs.get(name.toLowerCase());
    if (!hub) throw new Error(`The dev hub has no event hub named "${name}"`);
    return hub;
  };

  let closing: Promise<void> | undefined;
  return {
    port,
    connectionString: `Endpoint=sb://localhost:${port};SharedAccessKeyName=${key.keyName};SharedAccessKey=${key.key};UseDevelopmentEmulator=true`,
    hubNames: () => [...hubs.values()].map((h) => h.name),
    partitionState: (hub, partitionId) => hubOf(hub).partition(partitionId).state,
    readerCount: () => [...connections.values()].reduce((n, c) => n + c.readerCount, 0),
    dropConnections() {
      // With an error, so rhea sees the disconnect and stops its heartbeat timers.
      for (const socket of sockets) socket.destroy(new Error('connection dropped by the dev hub'));
    },
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const c of connections.keys()) {
          try {
            c.close({ condition: 'amqp:connection:forced', description: 'The dev hub is shutting down.' });
          } catch {
            // already gone
          }
        }
        // Give clients a moment to see the close frame, then cut whatever is left.
        await allClosed(sockets, 500);
        for (const socket of sockets) socket.destroy(new Error('the dev hub is shutting down'));
        await closed;
        for (const c of connections.keys()) forget(c);
        await Promise.all([...hubs.values()].map((h) => h.close()));
      })();
      return closing;
    },
  };
}

/** Resolves when every socket has closed, or after `timeoutMs`. */
function allClosed(sockets: Set<Socket>, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    let pending = sockets.size;
    if (pending === 0) return done();
    for (const s of sockets) s.once('close', () => --pending === 0 && done());
    function done(): void {
      clearTimeout(timer);
      resolve();
    }
  });
}
