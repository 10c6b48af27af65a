import { EventHubConsumerClient, type ReceivedEventData, type Subscription } from '@azure/event-hubs';
import { DefaultAzureCredential } from '@azure/identity';
import type { Connection } from '../config/config.js';
import type { HubRangeReader } from '../receiver/hub-range-reader.js';
import type { ReceivedEvent } from '../receiver/received-event.js';

export interface RangeReaderOptions {
  /** Resolved on the first read, so a process that never sees a gap needs no hub settings. */
  readonly connection: () => Connection;
  /** The app-setting prefix the connection comes from, named in errors ("EventHubConnection" by default). */
  readonly connectionName?: string;
  readonly eventHubName: string;
  /** Not the trigger's group: its readers (owner level 0) lock non-owner readers out. */
  readonly consumerGroup: string;
  /** How long one receive waits for events before the read counts as stalled. */
  readonly maxWaitSeconds?: number;
}

/**
 * Reads a partition's events back by sequence number with the receiver's own client, identity
 * or connection string as the source's connection settings say. Only what the hub still holds
 * (from its beginning sequence number on) is asked for, so retention shows up as a shorter
 * answer rather than an error.
 */
export class EventHubRangeReader implements HubRangeReader {
  private client: EventHubConsumerClient | undefined;

  constructor(private readonly options: RangeReaderOptions) {}

  async read(partition: string, from: number, to: number): Promise<ReceivedEvent[]> {
    const client = this.clientOf();
    const props = await client.getPartitionProperties(partition);
    if (props.isEmpty) return [];
    const start = Math.max(from, props.beginningSequenceNumber);
    const end = Math.min(to, props.lastEnqueuedSequenceNumber);
    if (start > end) return [];
    return await readRange(client, partition, start, end, this.options.maxWaitSeconds ?? 10);
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.close();
  }

  private clientOf(): EventHubConsumerClient {
    if (this.client) return this.client;
    const { eventHubName, consumerGroup } = this.options;
    const connection = this.options.connection();
    if (connection.kind === 'connectionString') {
      this.client = /(?:^|;)\s*EntityPath=/i.test(connection.connectionString)
        ? new EventHubConsumerClient(consumerGroup, connection.connectionString)
        : new EventHubConsumerClient(consumerGroup, connection.connectionString, eventHubName);
    } else {
      if (!connection.fullyQualifiedNamespace) throw new Error(`${this.options.connectionName ?? 'EventHubConnection'}__fullyQualifiedNamespace is not set: the receiver cannot read a gap back from the hub`);
      const credential = new DefaultAzureCredential(connection.clientId ? { managedIdentityClientId: connection.clientId } : {});
      this.client = new EventHubConsumerClient(consumerGroup, connection.fullyQualifiedNamespace, eventHubName, credential);
    }
    return this.client;
  }
}

/** Subscribes from `start` (inclusive) and collects events up to `end`; a receive that comes back empty is an error. */
function readRange(client: EventHubConsumerClient, partition: string, start: number, end: number, maxWaitSeconds: number): Promise<ReceivedEvent[]> {
  return new Promise((resolve, reject) => {
    const out: ReceivedEvent[] = [];
    let subscription: Subscription | undefined;
    let done = false;
    const finish = (error?: unknown): void => {
      if (done) return;
      done = true;
      const closing = subscription ? subscription.close() : Promise.resolve();
      closing.then(() => (error === undefined ? resolve(out) : reject(error instanceof Error ? error : new Error(String(error)))), reject);
    };
    subscription = client.subscribe(partition, {
      processEvents: async (events) => {
        if (done) return;
        if (events.length === 0) {
          finish(new Error(`partition ${partition}: the hub sent nothing past sequence number ${out.at(-1)?.sequenceNumber ?? start - 1} within ${maxWaitSeconds}s while reading ${start}..${end}`));
          return;
        }
        for (const e of events) if (e.sequenceNumber >= start && e.sequenceNumber <= end) out.push(receivedOf(e));
        if (events[events.length - 1]!.sequenceNumber >= end) finish();
      },
      processError: async (error) => finish(error),
    }, { startPosition: { sequenceNumber: start, isInclusive: true }, maxBatchSize: 100, maxWaitTimeInSeconds: maxWaitSeconds, skipParsingBodyAsJson: true });
  });
}

function receivedOf(e: ReceivedEventData): ReceivedEvent {
  const body = e.body instanceof Uint8Array ? e.body : e.body === undefined || e.body === null ? new Uint8Array(0) : undefined;
  if (!body) throw new Error(`event ${e.sequenceNumber} read back from the hub has a ${typeof e.body} body, not bytes`);
  return {
    body,
    sequenceNumber: e.sequenceNumber,
    offset: String(e.offset),
    enqueuedTime: e.enqueuedTimeUtc.getTime(),
    partitionKey: e.partitionKey ?? null,
    properties: e.properties ?? {},
    ...(e.systemProperties && { systemProperties: e.systemProperties }),
  };
}
