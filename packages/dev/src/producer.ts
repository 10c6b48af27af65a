import { DefaultAzureCredential } from '@azure/identity';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { EventHubProducerClient, type EventData, type RetryOptions } from '@azure/event-hubs';
import { systemClock, type Clock } from 'sluice';
import { mulberry32, orderAfter, sampleEvents, type PageView } from './sample-events.js';

export interface ProduceOptions {
  connectionString: string;
  eventHubName: string;
  /** Events per second. */
  rate: number;
  count: number;
  /** Send only to these partitions, round-robin; ignored when keyField is set. */
  partitions?: string[];
  /** Send keyed by this field of each event (same value, same partition); also the manifest's key. */
  keyField?: keyof PageView;
  seed: number;
  malformedEvery?: number;
  /** Every nth event is sent with an earlier timestamp: out of order, or behind a 1-minute watermark (see sampleEvents). */
  lateEvery?: number;
  manifestPath?: string;
  onProgress?: (progress: ProduceProgress) => void;
  signal?: AbortSignal;
  clock?: Clock;
  /** SDK retries; defaults fail within about 20 s when nothing answers. */
  retryOptions?: RetryOptions;
  /** Also send orders to a second hub: one per `every` valid page views, by the same user, right after it. */
  orders?: OrderOptions;
}

export interface OrderOptions {
  eventHubName: string;
  every: number;
  /** Every nth order is malformed: alternately invalid JSON and a negative amount. */
  malformedEvery?: number;
}

export interface ProduceProgress {
  sent: number;
  malformed: number;
  total: number;
  elapsedMs: number;
  /** Average events per second so far. */
  rate: number;
}

/** What was sent, so a consumer's results can be checked against it. */
export interface ProduceManifest {
  eventHubName: string;
  seed: number;
  /** The field the per-key counts (and keyed sends, if `keyed`) use. */
  keyField: string;
  keyed: boolean;
  sent: number;
  malformed: number;
  valid: number;
  /** Valid events per key value. */
  perKey: Record<string, number>;
  aborted: boolean;
  elapsedMs: number;
  /** Orders sent to the second hub, when asked for. */
  orders?: { eventHubName: string; sent: number; malformed: number };
}

export class ProduceError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProduceError';
  }
}

const DEFAULT_RETRY: RetryOptions = { maxRetries: 2, retryDelayInMs: 500, timeoutInMs: 5000 };
const MAX_CHUNK = 500;

/** Sends seeded sample events at a steady rate with the Event Hubs SDK and returns a manifest. */
export async function produce(options: ProduceOptions): Promise<ProduceManifest> {
  validate(options);
  const clock = options.clock ?? systemClock;
  const keyField = options.keyField ?? 'page';
  const keyed = options.keyField !== undefined;
  const client = producerClient(options, options.eventHubName);
  const ordersClient = options.orders && producerClient(options, options.orders.eventHubName);
  const random = mulberry32(options.seed ^ 0x5eed);
  const manifest: ProduceManifest = {
    eventHubName: options.eventHubName, seed: options.seed, keyField, keyed, sent: 0, malformed: 0, valid: 0, perKey: {}, aborted: false, elapsedMs: 0,
    ...(options.orders && { orders: { eventHubName: options.orders.eventHubName, sent: 0, malformed: 0 } }),
  };
  // Pace in ~20 sends a second, so a rate of 1000/s goes out as batches of 50.
  const chunk = Math.max(1, Math.min(MAX_CHUNK, Math.round(options.rate / 20)));
  const start = clock.now();
  const events = sampleEvents({ seed: options.seed, ...(options.malformedEvery ? { malformedEvery: options.malformedEvery } : {}), ...(options.lateEvery ? { lateEvery: options.lateEvery } : {}) });
  let nextPartition = 0;
  try {
    while (manifest.sent < options.count && !options.signal?.aborted) {
      const groups = new Map<string, EventData[]>();
      const n = Math.min(chunk, options.count - manifest.sent);
      const counted: PageView[] = [];
      const orders: EventData[] = [];
      let malformed = 0;
      for (let i = 0; i < n; i++) {
        const { body, pageView } = events.next().value!;
        if (pageView) counted.push(pageView);
        else malformed++;
        if (pageView && options.orders && (manifest.valid + counted.length) % options.orders.every === 0) {
          const made = orderAfter(pageView, manifest.orders!.sent + orders.length + 1, random, options.orders.malformedEvery);
          if (!made.order) manifest.orders!.malformed++;
          orders.push({ body: Buffer.from(made.body, 'utf8'), contentType: 'application/json' });
        }
        // Keyed sends group by key; the rest share one group ('' = hub round-robin or listed partitions).
        const group = keyed && pageView ? `k:${String(pageView[keyField])}` : '';
        const list = groups.get(group) ?? [];
        // Bytes, so the hub carries the JSON text itself: the SDK would send any other body as its JSON
        // encoding (a string as a quoted JSON string), and the receiver stores bodies byte for byte.
        list.push({ body: Buffer.from(body, 'utf8'), contentType: 'application/json' });
        groups.set(group, list);
      }
      for (const [group, batchEvents] of groups) {
        const target = group.startsWith('k:')
          ? { partitionKey: group.slice(2) }
          : options.partitions?.length
            ? { partitionId: options.partitions[nextPartition++ % options.partitions.length]! }
            : {};
        await sendAll(client, batchEvents, target, options.signal);
      }
      // After the chunk's views, so a view reaches its hub before the order it led to.
      if (ordersClient && orders.length > 0) {
        await sendAll(ordersClient, orders, {}, options.signal);
        manifest.orders!.sent += orders.length;
      }
      manifest.sent += n;
      manifest.malformed += malformed;
      manifest.valid += counted.length;
      for (const view of counted) {
        const key = String(view[keyField]);
        manifest.perKey[key] = (manifest.perKey[key] ?? 0) + 1;
      }
      const elapsedMs = clock.now() - start;
      options.onProgress?.({ sent: manifest.sent, malformed: manifest.malformed, total: options.count, elapsedMs, rate: elapsedMs > 0 ? (manifest.sent * 1000) / elapsedMs : 0 });
      await clock.sleepUntil(start + (manifest.sent * 1000) / options.rate, options.signal);
    }
  } catch (err) {
    if (!options.signal?.aborted) throw explain(err, options);
  } finally {
    await client.close().catch(() => {});
    await ordersClient?.close().catch(() => {});
  }
  manifest.aborted = manifest.sent < options.count;
  manifest.elapsedMs = clock.now() - start;
  if (options.manifestPath) {
    await mkdir(dirname(options.manifestPath), { recursive: true });
    await writeFile(options.manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  }
  return manifest;
}

function producerClient(options: ProduceOptions, eventHubName: string): EventHubProducerClient {
  try {
    const clientOptions = { retryOptions: options.retryOptions ?? DEFAULT_RETRY };
    // A bare namespace host name means Entra ID: the deployed namespace has SAS disabled.
    return /^[a-z0-9][a-z0-9-]*(\.[a-z0-9-]+)+$/i.test(options.connectionString)
      ? new EventHubProducerClient(options.connectionString, eventHubName, new DefaultAzureCredential(), clientOptions)
      : new EventHubProducerClient(options.connectionString, eventHubName, clientOptions);
  } catch (err) {
    throw new ProduceError(`The connection string is not valid: ${(err as Error).message}`, { cause: err });
  }
}

/** Sends events in as few batches as fit the hub's message size limit. */
export async function sendAll(client: EventHubProducerClient, events: EventData[], target: { partitionKey?: string; partitionId?: string }, signal?: AbortSignal): Promise<void> {
  const opts = signal ? { ...target, abortSignal: signal } : target;
  let batch = await client.createBatch(opts);
  for (const event of events) {
    if (batch.tryAdd(event)) continue;
    if (batch.count === 0) throw new ProduceError('A single sample event is larger than the hub accepts');
    await client.sendBatch(batch, signal ? { abortSignal: signal } : {});
    batch = await client.createBatch(opts);
    if (!batch.tryAdd(event)) throw new ProduceError('A single sample event is larger than the hub accepts');
  }
  if (batch.count > 0) await client.sendBatch(batch, signal ? { abortSignal: signal } : {});
}

function validate(o: ProduceOptions): void {
  if (!(o.rate > 0) || !Number.isFinite(o.rate)) throw new ProduceError(`rate must be a positive number of events per second, not ${o.rate}`);
  if (!Number.isInteger(o.count) || o.count < 0) throw new ProduceError(`count must be a whole number >= 0, not ${o.count}`);
  if (!Number.isInteger(o.seed)) throw new ProduceError(`seed must be an integer, not ${o.seed}`);
  if (o.malformedEvery !== undefined && (!Number.isInteger(o.malformedEvery) || o.malformedEvery < 1)) {
    throw new ProduceError(`malformedEvery must be a whole number >= 1, not ${o.malformedEvery}`);
  }
  if (o.orders && (!Number.isInteger(o.orders.every) || o.orders.every < 1)) throw new ProduceError(`orders.every must be a whole number >= 1, not ${o.orders.every}`);
  if (o.orders?.malformedEvery !== undefined && (!Number.isInteger(o.orders.malformedEvery) || o.orders.malformedEvery < 1)) {
    throw new ProduceError(`orders.malformedEvery must be a whole number >= 1, not ${o.orders.malformedEvery}`);
  }
  if (o.keyField !== undefined && !['id', 'ts', 'user', 'page', 'country', 'device', 'durationMs'].includes(o.keyField)) {
    throw new ProduceError(`keyField must be a page-view field (user, page, country, device, ...), not "${String(o.keyField)}"`);
  }
}

/** Turns SDK errors into one clear sentence naming the endpoint. */
function explain(err: unknown, o: ProduceOptions): Error {
  if (err instanceof ProduceError) return err;
  const endpoint = /Endpoint=([^;]+)/i.exec(o.connectionString)?.[1] ?? 'the endpoint in the connection string';
  // After retries the SDK throws an AggregateError of the attempts; the last one says most.
  const e = (err instanceof AggregateError && err.errors.length > 0 ? err.errors[err.errors.length - 1] : err) as { code?: string; message?: string };
  const reason =
    e.code === 'UnauthorizedError' ? 'the key in the connection string was not accepted'
    : e.code === 'MessagingEntityNotFoundError' ? `there is no event hub named "${o.eventHubName}"`
    : /ECONNREFUSED/.test(String(e.code) + String(e.message)) ? 'nothing is listening there (is the dev hub or emulator running?)'
    : e.message || String(e.code ?? err);
  return new ProduceError(`Cannot send to event hub "${o.eventHubName}" at ${endpoint}: ${reason}`, { cause: err });
}
