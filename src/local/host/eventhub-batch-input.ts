import type { InvocationInput } from './invoke.js';

/** The parts of a received event the trigger reads (a subset of @azure/event-hubs ReceivedEventData). */
export interface ReceivedEventLike {
  body: unknown;
  properties?: Record<string, unknown>;
  systemProperties?: Record<string, unknown>;
  enqueuedTimeUtc: Date;
  partitionKey: string | null;
  offset: string;
  sequenceNumber: number;
}

export interface PartitionInfo {
  fullyQualifiedNamespace: string;
  eventHubName: string;
  consumerGroup: string;
  partitionId: string;
}

/** Bodies reach Node functions as UTF-8 text (the library JSON-parses each), as from the extension. */
function bodyText(body: unknown): string {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  return JSON.stringify(body) ?? '';
}

function systemProperties(event: ReceivedEventLike): Record<string, unknown> {
  const enqueued = event.enqueuedTimeUtc.toISOString();
  const props: Record<string, unknown> = {
    ...event.systemProperties,
    'x-opt-sequence-number': event.sequenceNumber,
    'x-opt-offset': event.offset,
    'x-opt-enqueued-time': enqueued,
  };
  if (event.partitionKey !== null) props['x-opt-partition-key'] = event.partitionKey;
  return {
    ...props,
    SequenceNumber: event.sequenceNumber,
    Offset: event.offset,
    PartitionKey: event.partitionKey,
    EnqueuedTimeUtc: enqueued,
  };
}

/**
 * The invocation for a `cardinality: 'many'` batch, in the extension's casing (PartitionContext,
 * OffsetArray, ...). The library lower-cases the first letter of each key, recursively, so the
 * handler sees partitionContext, offsetArray, ... exactly as in Azure.
 */
export function eventHubBatchInput(events: readonly ReceivedEventLike[], partition: PartitionInfo): InvocationInput {
  return {
    triggerValue: events.map((e) => bodyText(e.body)),
    triggerMetadata: {
      PartitionContext: partitionContext(partition),
      PartitionKeyArray: events.map((e) => e.partitionKey),
      OffsetArray: events.map((e) => e.offset),
      SequenceNumberArray: events.map((e) => e.sequenceNumber),
      EnqueuedTimeUtcArray: events.map((e) => e.enqueuedTimeUtc.toISOString()),
      PropertiesArray: events.map((e) => e.properties ?? {}),
      SystemPropertiesArray: events.map(systemProperties),
    },
  };
}

/** The invocation for `cardinality: 'one'`: one body, single-valued metadata. */
export function eventHubSingleInput(event: ReceivedEventLike, partition: PartitionInfo): InvocationInput {
  const enqueued = event.enqueuedTimeUtc.toISOString();
  return {
    triggerValue: bodyText(event.body),
    triggerMetadata: {
      PartitionContext: partitionContext(partition),
      PartitionKey: event.partitionKey,
      Offset: event.offset,
      SequenceNumber: event.sequenceNumber,
      EnqueuedTimeUtc: enqueued,
      Properties: event.properties ?? {},
      SystemProperties: systemProperties(event),
    },
  };
}

/** The partition context both trigger shapes carry, in the host's casing. */
function partitionContext(partition: PartitionInfo): Record<string, string> {
  return {
    FullyQualifiedNamespace: partition.fullyQualifiedNamespace,
    EventHubName: partition.eventHubName,
    ConsumerGroup: partition.consumerGroup,
    PartitionId: partition.partitionId,
  };
}
