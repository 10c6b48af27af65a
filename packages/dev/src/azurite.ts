import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { DEV_ACCOUNT, DEV_KEY } from 'sluice/internal';

/**
 * In-process Azurite (blob, queue, table) on free ports. Azurite's package main is its VS Code
 * extension, so its servers are loaded by deep path; they have no typings, hence the narrow
 * shapes below.
 */
interface AzuriteServer {
  start(): Promise<void>;
  close(): Promise<void>;
  clean(): Promise<void>;
  getHttpServerAddress(): string;
}
type ServerCtor = new (config: unknown) => AzuriteServer;
type ConfigCtor = new (...args: unknown[]) => unknown;

export interface AzuriteOptions {
  /** Folder to persist to; in memory when omitted. */
  location?: string;
  /** Fixed ports (10000/10001/10002 for tools that assume them); free ports when omitted. */
  ports?: { blob: number; queue: number; table: number };
  host?: string;
}

export interface Azurite {
  readonly blobEndpoint: string;
  readonly queueEndpoint: string;
  readonly tableEndpoint: string;
  /** A storage connection string for the well-known development account on these ports. */
  readonly connectionString: string;
  close(): Promise<void>;
}


const require = createRequire(import.meta.url);
function load<T>(path: string): T {
  return (require(`azurite/dist/src/${path}`) as { default: T }).default;
}

export async function startAzurite(options: AzuriteOptions = {}): Promise<Azurite> {
  const host = options.host ?? '127.0.0.1';
  const memory = options.location === undefined;
  const dir = options.location ?? '';
  if (!memory) mkdirSync(dir, { recursive: true });
  const persistence = (name: string) => [{ locationId: 'Default', locationPath: join(dir, name), maxConcurrency: 10 }];
  const at = (file: string) => (memory ? file : join(dir, file));
  const logs = [false, undefined, false, undefined, false, true] as const; // access log off, debug off, loose, skipApiVersionCheck
  const tail = ['', '', '', undefined, false, memory] as const; // no cert, no oauth, product-style urls, persistence
  const BlobConfiguration = load<ConfigCtor>('blob/BlobConfiguration');
  const QueueConfiguration = load<ConfigCtor>('queue/QueueConfiguration');
  const TableConfiguration = load<ConfigCtor>('table/TableConfiguration');
  const ports = options.ports ?? { blob: 0, queue: 0, table: 0 };
  const servers: AzuriteServer[] = [
    new (load<ServerCtor>('blob/BlobServer'))(new BlobConfiguration(host, ports.blob, 5000, at('__azurite_db_blob__.json'), at('__azurite_db_blob_extent__.json'), persistence('__blobstorage__'), ...logs, ...tail)),
    new (load<ServerCtor>('queue/QueueServer'))(new QueueConfiguration(host, ports.queue, 5000, at('__azurite_db_queue__.json'), at('__azurite_db_queue_extent__.json'), persistence('__queuestorage__'), ...logs, ...tail)),
    // TableConfiguration orders its log flags differently: debug before access log.
    new (load<ServerCtor>('table/TableServer'))(new TableConfiguration(host, ports.table, 5000, at('__azurite_db_table__.json'), false, false, undefined, undefined, false, true, ...tail)),
  ];
  await Promise.all(servers.map((s) => s.start()));
  const [blob, queue, table] = servers.map((s) => `http://${s.getHttpServerAddress().replace(/^https?:\/\//, '')}/${DEV_ACCOUNT}`) as [string, string, string];
  return {
    blobEndpoint: blob,
    queueEndpoint: queue,
    tableEndpoint: table,
    connectionString:
      `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT};AccountKey=${DEV_KEY};` +
      `BlobEndpoint=${blob};QueueEndpoint=${queue};TableEndpoint=${table};`,
    async close() {
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}
