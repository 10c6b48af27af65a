import {
  collectionBytes,
  collectionSint64,
  collectionString,
  json,
  zonelessOfIso,
} from './eventhub-rpc-encodings.js';
import type { InvocationInput } from './invoke.js';
import { RpcEncoded } from './rpc-typed-data.js';

/** The parts of a received event the trigger reads (a subset of @azure/event-hubs ReceivedEventData). */
export interface ReceivedEventLike {
  body: unknown;
  properties?: Record<string, unknown>;
  systemProperties?: Record<string, unknown>;
  enqueuedTimeUtc: Date;
  partitionKey: string | null;
  offset: string | number;
  sequenceNumber: number;
}

export interface PartitionInfo {
  fullyQualifiedNamespace: string;
  eventHubName: string;
  consumerGroup: string;
  partitionId: string;
}

/** How the host encodes a batch for this function and worker. */
export interface BatchEncoding {
  /** The trigger's dataType: "binary" sends bodies as bytes, anything else as strings. */
  dataType?: unknown;
  /** The worker declared IncludeEmptyEntriesInMessagePayload. */
  includeEmptyEntries: boolean;
}

/** The event body as the extension holds it: bytes (EventData.EventBody). */
function bodyBytes(body: unknown): Uint8Array {
  if (body instanceof Uint8Array) return body;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body === undefined || body === null) return new Uint8Array(0);
  // An AMQP value body (not a data section): the extension would see its encoded form; JSON is the closest.
  return Buffer.from(JSON.stringify(body) ?? '', 'utf8');
}

/** A string-typed body: the extension decodes the bytes as UTF-8 (invalid sequences become U+FFFD). */
function bodyText(body: unknown): string {
  const bytes = bodyBytes(body);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/** An event's enqueued time in the two spellings its metadata uses, each formatted once. */
interface EnqueuedTimes {
  /** The AMQP annotation's instant, as the SDK's Date serializes: "2024-05-01T10:00:00.120Z". */
  readonly iso: string;
  /** The extension's zoneless DateTime as Json.NET writes it. */
  readonly zoneless: string;
}

function enqueuedTimes(event: ReceivedEventLike): EnqueuedTimes {
  const iso = event.enqueuedTimeUtc.toISOString();
  return { iso, zoneless: zonelessOfIso(iso) };
}

/**
 * System properties as the extension builds them (GetSystemPropertiesForBinding): the AMQP
 * annotations, then SequenceNumber, Offset (a long), PartitionKey and EnqueuedTimeUtc (a zoneless
 * DateTime), all serialized with Json.NET.
 */
function systemProperties(event: ReceivedEventLike, times: EnqueuedTimes): Record<string, unknown> {
  // One object, filled in the order the extension adds the keys: a key the annotations already
  // hold keeps its place and takes the new value.
  const props: Record<string, unknown> = { ...event.systemProperties };
  props['x-opt-sequence-number'] = event.sequenceNumber;
  props['x-opt-offset'] = String(event.offset);
  props['x-opt-enqueued-time'] = times.iso;
  if (event.partitionKey != null) props['x-opt-partition-key'] = event.partitionKey;
  const offset = Number(event.offset);
  props.SequenceNumber = event.sequenceNumber;
  props.Offset = Number.isSafeInteger(offset) ? offset : String(event.offset);
  props.PartitionKey = event.partitionKey ?? null;
  props.EnqueuedTimeUtc = times.zoneless;
  return props;
}

/** The keys systemProperties sets on every event. */
const ADDED_KEYS: ReadonlySet<string> = new Set(['x-opt-sequence-number', 'x-opt-offset', 'x-opt-enqueued-time', 'x-opt-partition-key', 'SequenceNumber', 'Offset', 'PartitionKey', 'EnqueuedTimeUtc']);

/**
 * `JSON.stringify(systemProperties(event, times))`, written without the object: the same text,
 * for a fraction of the CPU and garbage. The annotations' keys come first, in their own order
 * (JSON.stringify and the object spread list keys alike), then the added keys, which are never
 * integer-like, so they stay after them. Annotations that hold an added key, or serialize
 * themselves, take the object path.
 */
function systemPropertiesJson(event: ReceivedEventLike, times: EnqueuedTimes): string {
  const annotations = event.systemProperties;
  let head = '';
  if (annotations) {
    if (Array.isArray(annotations) || typeof annotations['toJSON'] === 'function') return JSON.stringify(systemProperties(event, times));
    for (const k in annotations) if (Object.hasOwn(annotations, k) && ADDED_KEYS.has(k)) return JSON.stringify(systemProperties(event, times));
    const text = JSON.stringify(annotations);
    if (text.length > 2) head = `${text.slice(1, -1)},`;
  }
  const seq = JSON.stringify(event.sequenceNumber);
  const offsetText = JSON.stringify(String(event.offset));
  const offset = Number(event.offset);
  const key = event.partitionKey != null ? JSON.stringify(event.partitionKey) : undefined;
  // Both times hold only digits, letters and -:.+ (toISOString), so they need no escaping.
  return `{${head}"x-opt-sequence-number":${seq},"x-opt-offset":${offsetText},"x-opt-enqueued-time":"${times.iso}"` +
    `${key !== undefined ? `,"x-opt-partition-key":${key}` : ''},"SequenceNumber":${seq},` +
    `"Offset":${Number.isSafeInteger(offset) ? JSON.stringify(offset) : offsetText},"PartitionKey":${key ?? 'null'},"EnqueuedTimeUtc":"${times.zoneless}"}`;
}

/**
 * The invocation for a `cardinality: 'many'` batch, encoded field by field as the real host does
 * (EVENT_HUB_BATCH_ENCODINGS), in the extension's casing. The library lower-cases the first letter
 * of each metadata key, recursively, so the handler sees partitionContext, offsetArray, ... exactly
 * as in Azure, with the same Long objects, zoneless dates and dropped empty entries.
 */
export function eventHubBatchInput(events: readonly ReceivedEventLike[], partition: PartitionInfo, encoding: BatchEncoding): InvocationInput {
  const binary = typeof encoding.dataType === 'string' && encoding.dataType.toLowerCase() === 'binary';
  const bodies = binary ? collectionBytes(events.map((e) => bodyBytes(e.body))) : collectionString(events.map((e) => bodyText(e.body)), encoding.includeEmptyEntries);
  // Each event's enqueued time goes into three fields in two spellings; format it once.
  const times = events.map(enqueuedTimes);
  return {
    triggerValue: new RpcEncoded(bodies),
    triggerMetadata: {
      PartitionContext: new RpcEncoded(json(partitionContext(partition))),
      PartitionKeyArray: new RpcEncoded(collectionString(events.map((e) => e.partitionKey), encoding.includeEmptyEntries)),
      OffsetArray: new RpcEncoded(collectionString(events.map((e) => String(e.offset)), encoding.includeEmptyEntries)),
      SequenceNumberArray: new RpcEncoded(collectionSint64(events.map((e) => e.sequenceNumber))),
      EnqueuedTimeUtcArray: new RpcEncoded(json(times.map((t) => t.zoneless))),
      PropertiesArray: new RpcEncoded(json(events.map((e) => e.properties ?? {}))),
      SystemPropertiesArray: new RpcEncoded({ json: `[${events.map((e, i) => systemPropertiesJson(e, times[i]!)).join(',')}]` }),
    },
  };
}

/** The invocation for `cardinality: 'one'`: one body, single-valued metadata. */
export function eventHubSingleInput(event: ReceivedEventLike, partition: PartitionInfo, encoding: BatchEncoding): InvocationInput {
  const binary = typeof encoding.dataType === 'string' && encoding.dataType.toLowerCase() === 'binary';
  const times = enqueuedTimes(event);
  return {
    triggerValue: binary ? bodyBytes(event.body) : bodyText(event.body),
    triggerMetadata: {
      PartitionContext: partitionContext(partition),
      PartitionKey: event.partitionKey ?? null,
      Offset: String(event.offset),
      SequenceNumber: event.sequenceNumber,
      EnqueuedTimeUtc: times.zoneless,
      Properties: event.properties ?? {},
      SystemProperties: systemProperties(event, times),
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
