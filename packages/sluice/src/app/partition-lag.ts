import { EventHubConsumerClient } from '@azure/event-hubs';
import { DefaultAzureCredential } from '@azure/identity';
import { readConnection } from '../config/config.js';
import type { Logger } from '../util/log.js';
import type { ResolvedSource } from './stream-sources.js';

const TIMEOUT_MS = 3000;

/**
 * The newest sequence number Event Hubs holds for a partition of one source (its partition
 * properties), for the receivers' lag. Best effort: the status page shows no lag rather than fail
 * or hang. One client per source, made on first use and kept.
 */
export class PartitionLag {
  private readonly clients = new Map<string, EventHubConsumerClient>();

  constructor(private readonly sources: readonly ResolvedSource[], private readonly log: () => Logger) {}

  async lastEnqueued(source: string, partition: string): Promise<number | undefined> {
    try {
      const client = this.clientOf(source);
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), TIMEOUT_MS);
      try {
        const props = await client.getPartitionProperties(partition, { abortSignal: abort.signal });
        return props.isEmpty ? -1 : props.lastEnqueuedSequenceNumber;
      } finally {
        clearTimeout(timer);
      }
    } catch (err) {
      this.log().warn('partition properties unavailable; lag not shown', { source, partition, error: String(err) });
      return undefined;
    }
  }

  async close(): Promise<void> {
    const clients = [...this.clients.values()];
    this.clients.clear();
    await Promise.allSettled(clients.map((c) => c.close()));
  }

  private clientOf(name: string): EventHubConsumerClient {
    const existing = this.clients.get(name);
    if (existing) return existing;
    const source = this.sources.find((s) => s.source === name);
    if (!source) throw new Error(`no source named "${name}" in this stream`);
    const connection = readConnection(source.connection);
    const { consumerGroup, eventHubName } = source;
    let client: EventHubConsumerClient;
    if (connection.kind === 'connectionString') client = new EventHubConsumerClient(consumerGroup, connection.connectionString, eventHubName);
    else if (!connection.fullyQualifiedNamespace) throw new Error(`${source.connection}__fullyQualifiedNamespace is not set`);
    else {
      const credential = new DefaultAzureCredential(connection.clientId ? { managedIdentityClientId: connection.clientId } : {});
      client = new EventHubConsumerClient(consumerGroup, connection.fullyQualifiedNamespace, eventHubName, credential);
    }
    this.clients.set(name, client);
    return client;
  }
}
