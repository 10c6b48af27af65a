import type { ReceivedEvent } from '../receiver/received-event.js';

/** The Event Hubs trigger's binding data (cardinality many), as the worker hands it to a handler. */
export interface EventHubTriggerMetadata {
  readonly partitionContext?: { readonly partitionId?: string; readonly eventHubName?: string; readonly consumerGroup?: string };
  readonly sequenceNumberArray?: readonly (number | string)[];
  readonly offsetArray?: readonly (string | number)[];
  readonly enqueuedTimeUtcArray?: readonly (string | Date)[];
  readonly partitionKeyArray?: readonly (string | null | undefined)[];
  readonly propertiesArray?: readonly (Record<string, unknown> | null | undefined)[];
}

/**
 * Maps one trigger invocation to the receiver's events. Bodies arrive as text, bytes, or already
 * parsed JSON (the worker parses JSON bodies); parsed ones are turned back into JSON text.
 * Missing binding data is a clear error: the receiver cannot checkpoint without sequence numbers.
 */
export function eventsOfTrigger(bodies: readonly unknown[], metadata: EventHubTriggerMetadata): { partition: string; events: ReceivedEvent[] } {
  const partition = metadata.partitionContext?.partitionId;
  if (partition === undefined) throw new Error('Event Hubs trigger metadata has no partitionContext.partitionId; is cardinality "many" set?');
  const seqs = metadata.sequenceNumberArray;
  if (!seqs || seqs.length !== bodies.length) {
    throw new Error(`Event Hubs trigger metadata has ${seqs?.length ?? 0} sequence numbers for ${bodies.length} events`);
  }
  const events = bodies.map((body, i): ReceivedEvent => ({
    body: bodyOf(body),
    sequenceNumber: Number(seqs[i]),
    offset: String(metadata.offsetArray?.[i] ?? ''),
    enqueuedTime: timeOf(metadata.enqueuedTimeUtcArray?.[i]),
    partitionKey: metadata.partitionKeyArray?.[i] ?? null,
    properties: metadata.propertiesArray?.[i] ?? {},
  }));
  return { partition, events };
}

function bodyOf(body: unknown): string | Uint8Array {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  return JSON.stringify(body) ?? '';
}

function timeOf(value: string | Date | undefined): number {
  if (value === undefined) return 0;
  const t = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isNaN(t) ? 0 : t;
}
