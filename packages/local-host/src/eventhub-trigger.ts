import { channel } from 'node:diagnostics_channel';
import {
  EventHubConsumerClient,
  earliestEventPosition,
  latestEventPosition,
  type CheckpointStore,
  type EventPosition,
  type PartitionContext,
  type ReceivedEventData,
  type Subscription,
} from '@azure/event-hubs';
import { BlobCheckpointStore } from '@azure/eventhubs-checkpointstore-blob';
import { DefaultAzureCredential } from '@azure/identity';
import { ContainerClient } from '@azure/storage-blob';
import type { Clock } from 'sluice';
import type { AppSettings } from './app-settings.js';
import { eventHubConnectionOf, type EventHubConnection } from './eventhub-connection.js';
import { eventHubBatchInput, eventHubSingleInput, type BatchEncoding, type PartitionInfo } from './eventhub-batch-input.js';
import { hasCapability, INCLUDE_EMPTY_ENTRIES, NODE_WORKER_CAPABILITIES } from './eventhub-rpc-encodings.js';
import { currentProgrammingModel } from './functions-core-shim.js';
import { parseTimeSpan, type EventHubsHostOptions } from './host-json.js';
import type { HostLog } from './host-log.js';
import { errorMessage, type InvokeDetailed, type RegisteredFunction } from './invoke.js';
import { invokeWithRetry, retryPolicyOf, type RetryPolicy } from './retry-policy.js';

/**
 * A diagnostics channel (node:diagnostics_channel) on which the local host reports the CPU it spent
 * encoding each Event Hubs invocation's trigger data, when anyone subscribes: work that in Azure
 * belongs to the Functions host's process, not the app's.
 */
export const TRIGGER_ENCODING_CHANNEL = 'sluice.local-host.trigger-encoding';
export interface TriggerEncodingMessage { events: number; cpuMicros: number }
const triggerEncoding = channel(TRIGGER_ENCODING_CHANNEL);

/** The container the Functions Event Hubs extension keeps its checkpoints and ownership in. */
export const CHECKPOINT_CONTAINER = 'azure-webjobs-eventhub';

export interface EventHubTriggerOptions {
  /** Only Event Hubs-triggered functions are started; others are ignored. */
  functions: readonly RegisteredFunction[];
  invokeDetailed: InvokeDetailed;
  clock: Clock;
  settings: AppSettings;
  /** host.json extensions.eventHubs. */
  hostOptions?: EventHubsHostOptions;
  /** AzureWebJobsStorage: where checkpoints live. */
  storageConnectionString: string;
  log: HostLog;
}

export interface EventHubTriggers {
  /** Stops receiving; an invocation in flight finishes (and checkpoints) first. */
  stop(): Promise<void>;
}

/** Extension v6 defaults for the host.json settings the local host honours. */
interface EffectiveEventHubOptions {
  maxEventBatchSize: number;
  maxWaitTimeSeconds: number;
  prefetchCount: number;
  startPosition: EventPosition;
}

export function effectiveEventHubOptions(host: EventHubsHostOptions = {}): EffectiveEventHubOptions {
  const maxEventBatchSize = host.maxEventBatchSize ?? 100;
  const maxWaitMs = host.maxWaitTime !== undefined ? parseTimeSpan(host.maxWaitTime, 'host.json eventHubs.maxWaitTime') : 60_000;
  return {
    maxEventBatchSize,
    maxWaitTimeSeconds: Math.max(0.001, maxWaitMs / 1000),
    prefetchCount: host.prefetchCount ?? 300,
    startPosition: initialPosition(host.initialOffsetOptions),
  };
}

function initialPosition(options: EventHubsHostOptions['initialOffsetOptions']): EventPosition {
  const type = (options?.type ?? 'fromStart').toLowerCase();
  if (type === 'fromstart') return earliestEventPosition;
  if (type === 'fromend') return latestEventPosition;
  if (type === 'fromenqueuedtime') {
    const when = new Date(options?.enqueuedTimeUtc ?? '');
    if (Number.isNaN(when.getTime())) {
      throw new Error('host.json eventHubs.initialOffsetOptions.enqueuedTimeUtc must be a date for type fromEnqueuedTime');
    }
    return { enqueuedOn: when };
  }
  throw new Error(`host.json eventHubs.initialOffsetOptions.type "${options?.type}" is not fromStart, fromEnd or fromEnqueuedTime`);
}

export async function startEventHubTriggers(options: EventHubTriggerOptions): Promise<EventHubTriggers> {
  const functions = options.functions.filter((f) => f.trigger.type.toLowerCase() === 'eventhubtrigger');
  if (functions.length === 0) return { stop: async () => {} };
  const settings = effectiveEventHubOptions(options.hostOptions);
  // As the worker does after loading the app: its own capabilities plus what the app declared.
  const model = currentProgrammingModel();
  const capabilities = model?.getCapabilities ? await model.getCapabilities({ ...NODE_WORKER_CAPABILITIES }) : { ...NODE_WORKER_CAPABILITIES };
  const includeEmptyEntries = hasCapability(capabilities, INCLUDE_EMPTY_ENTRIES);
  const plans = functions.map((fn) => ({
    fn, connection: eventHubConnectionOf(fn, options.settings), retry: retryPolicyOf(fn.metadata),
    encoding: { dataType: fn.trigger.dataType, includeEmptyEntries } satisfies BatchEncoding,
  }));

  const container = new ContainerClient(options.storageConnectionString, CHECKPOINT_CONTAINER);
  await container.createIfNotExists();
  const checkpointStore: CheckpointStore = new BlobCheckpointStore(container);

  const abort = new AbortController();
  const running: { client: EventHubConsumerClient; subscription: Subscription }[] = [];
  for (const plan of plans) {
    const consumerGroup = typeof plan.fn.trigger.consumerGroup === 'string' ? plan.fn.trigger.consumerGroup : '$Default';
    const client = consumerClient(plan.connection, consumerGroup, checkpointStore);
    const subscription = client.subscribe(
      {
        processEvents: (events, context) => processBatch(plan.fn, plan.retry, plan.encoding, events, context, options, abort.signal),
        processError: async (error, context) => {
          if (abort.signal.aborted) return;
          options.log(`[host] Event Hubs trigger "${plan.fn.name}" partition ${context.partitionId || '-'}: ${errorMessage(error)}`);
        },
      },
      {
        maxBatchSize: settings.maxEventBatchSize,
        maxWaitTimeInSeconds: settings.maxWaitTimeSeconds,
        prefetchCount: settings.prefetchCount,
        startPosition: settings.startPosition,
        // The extension holds every body as bytes; keep them rather than the SDK's JSON guess.
        skipParsingBodyAsJson: true,
      },
    );
    running.push({ client, subscription });
  }

  return {
    async stop() {
      abort.abort();
      await Promise.all(running.map(async ({ client, subscription }) => {
        await subscription.close();
        await client.close();
      }));
    },
  };
}

function consumerClient(connection: EventHubConnection, consumerGroup: string, checkpointStore: CheckpointStore): EventHubConsumerClient {
  if (connection.kind === 'identity') {
    // Deployed namespaces disable SAS (disableLocalAuth), so identity is the only way in.
    const credential = new DefaultAzureCredential(connection.credentialOptions);
    return new EventHubConsumerClient(consumerGroup, connection.fullyQualifiedNamespace, connection.eventHubName, credential, checkpointStore, clientOptions());
  }
  return entityPathIn(connection.connectionString)
    ? new EventHubConsumerClient(consumerGroup, connection.connectionString, checkpointStore, clientOptions())
    : new EventHubConsumerClient(consumerGroup, connection.connectionString, connection.eventHubName, checkpointStore, clientOptions());
}

function entityPathIn(connectionString: string): boolean {
  return /(?:^|;)\s*EntityPath=/i.test(connectionString);
}

/** The local host is the only instance, so it claims every partition at once. */
function clientOptions(): { loadBalancingOptions: { strategy: 'greedy' } } {
  return { loadBalancingOptions: { strategy: 'greedy' } };
}

async function processBatch(
  fn: RegisteredFunction,
  retry: RetryPolicy | undefined,
  encoding: BatchEncoding,
  events: ReceivedEventData[],
  context: PartitionContext,
  options: EventHubTriggerOptions,
  signal: AbortSignal,
): Promise<void> {
  if (events.length === 0) return;
  const partition: PartitionInfo = {
    fullyQualifiedNamespace: context.fullyQualifiedNamespace,
    eventHubName: context.eventHubName,
    consumerGroup: context.consumerGroup,
    partitionId: context.partitionId,
  };
  // In Azure the Functions host, a separate .NET process, encodes trigger data; here it runs in the
  // app's process, so its CPU is published for whoever measures the app to count apart.
  const measured = triggerEncoding.hasSubscribers ? process.cpuUsage() : undefined;
  const inputs = fn.trigger.cardinality === 'many'
    ? [eventHubBatchInput(events, partition, encoding)]
    : events.map((e) => eventHubSingleInput(e, partition, encoding));
  if (measured) {
    const used = process.cpuUsage(measured);
    triggerEncoding.publish({ events: events.length, cpuMicros: used.user + used.system } satisfies TriggerEncodingMessage);
  }
  for (const input of inputs) {
    try {
      await invokeWithRetry(options.invokeDetailed, fn.name, input, retry, options.clock, signal);
    } catch {
      // Printed by the invoker. The extension checkpoints failed batches too, unless it is stopping
      // mid-retry, when the batch has not had its attempts and must be read again.
      if (signal.aborted) return;
    }
  }
  await context.updateCheckpoint(events[events.length - 1] as ReceivedEventData);
}
