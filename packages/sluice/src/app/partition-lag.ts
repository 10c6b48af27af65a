import { EventHubConsumerClient } from '@azure/event-hubs';
import { DefaultAzureCredential } from '@azure/identity';
import { readConnection } from '../config/config.js';
import type { AppContext } from './app-context.js';

const TIMEOUT_MS = 3000;
let client: EventHubConsumerClient | undefined;

/**
 * The newest sequence number Event Hubs holds for a partition (its partition properties), for the
 * receivers' lag. Best effort: the status page shows no lag rather than fail or hang.
 */
export async function lastEnqueued(app: AppContext, partition: string): Promise<number | undefined> {
  try {
    client ??= consumer(app);
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), TIMEOUT_MS);
    try {
      const props = await client.getPartitionProperties(partition, { abortSignal: abort.signal });
      return props.isEmpty ? -1 : props.lastEnqueuedSequenceNumber;
    } finally {
      clearTimeout(timer);
    }
  } catch (err) {
    app.log.warn('partition properties unavailable; lag not shown', { partition, error: String(err) });
    return undefined;
  }
}

function consumer(app: AppContext): EventHubConsumerClient {
  const connection = readConnection('EventHubConnection');
  const { consumerGroup, eventHubName } = app.config;
  if (connection.kind === 'connectionString') return new EventHubConsumerClient(consumerGroup, connection.connectionString, eventHubName);
  if (!connection.fullyQualifiedNamespace) throw new Error('EventHubConnection__fullyQualifiedNamespace is not set');
  const credential = new DefaultAzureCredential(connection.clientId ? { managedIdentityClientId: connection.clientId } : {});
  return new EventHubConsumerClient(consumerGroup, connection.fullyQualifiedNamespace, eventHubName, credential);
}
