import rhea from 'rhea';
import { Condition, HubError } from './amqp-errors.js';

/** The message format of an Event Hubs batch: an envelope whose data sections each hold one encoded event. */
export const BATCH_FORMAT = 0x80013700;

export const Annotation = {
  sequenceNumber: 'x-opt-sequence-number',
  offset: 'x-opt-offset',
  enqueuedTime: 'x-opt-enqueued-time',
  partitionKey: 'x-opt-partition-key',
} as const;

export interface UnpackedSend {
  /** Each event as the client encoded it. */
  events: Buffer[];
  partitionKey: string | undefined;
}

interface DataSection {
  typecode: number;
  content: Buffer | Buffer[];
  multiple?: boolean;
}

/** Splits a transfer into events: a batch envelope holds many, a plain (format 0) message is one. */
export function unpackSend(payload: Buffer, format: number): UnpackedSend {
  if (format === 0) {
    return { events: [payload], partitionKey: keyOf(rhea.message.decode(payload).message_annotations) };
  }
  if (format !== BATCH_FORMAT) {
    throw new HubError(Condition.notImplemented, `message format ${format} is not supported; send single messages or Event Hubs batches`);
  }
  let envelope;
  try {
    envelope = rhea.message.decode(payload);
  } catch (err) {
    throw new HubError(Condition.decodeError, `cannot decode the batch envelope: ${(err as Error).message}`);
  }
  const body = envelope.body as DataSection | undefined;
  if (!body || body.typecode !== 0x75) {
    throw new HubError(Condition.decodeError, 'a batch envelope must carry its events as data sections');
  }
  const events = Array.isArray(body.content) ? body.content : [body.content];
  return { events, partitionKey: keyOf(envelope.message_annotations) };
}

export interface EventStamp {
  sequenceNumber: number;
  offset: string;
  enqueuedTime: number;
  partitionKey: string | undefined;
}

/** Adds the broker annotations to an encoded event and returns the bytes delivered to readers. */
export function stampEvent(encoded: Buffer, stamp: EventStamp): { bytes: Buffer; partitionKey: string | undefined } {
  let msg;
  try {
    msg = rhea.message.decode(encoded);
  } catch (err) {
    throw new HubError(Condition.decodeError, `cannot decode an event in the batch: ${(err as Error).message}`);
  }
  const annotations: Record<string, unknown> = { ...(msg.message_annotations ?? {}) };
  const partitionKey = keyOf(annotations) ?? stamp.partitionKey;
  annotations[Annotation.sequenceNumber] = rhea.types.wrap_long(stamp.sequenceNumber);
  // A string, as the service sends it; SDK v6 passes offsets through to checkpoints unchanged.
  annotations[Annotation.offset] = stamp.offset;
  annotations[Annotation.enqueuedTime] = rhea.types.wrap_timestamp(stamp.enqueuedTime);
  if (partitionKey !== undefined) annotations[Annotation.partitionKey] = partitionKey;
  else delete annotations[Annotation.partitionKey];
  msg.message_annotations = annotations;
  return { bytes: rhea.message.encode(msg), partitionKey };
}

interface Codec {
  Writer: new () => { write(o: unknown): void; toBuffer(): Buffer };
  described(descriptor: unknown, value: unknown): unknown;
}
const codec = rhea.types as unknown as Codec;

/**
 * Inserts a delivery-annotations section into an encoded message. AMQP orders sections as
 * header, delivery-annotations, message-annotations, ..., so it goes right after the header.
 */
export function withDeliveryAnnotations(bytes: Buffer, annotations: Record<string, unknown>): Buffer {
  const writer = new codec.Writer();
  writer.write(codec.described(rhea.types.wrap_ulong(0x71), rhea.types.wrap_symbolic_map(annotations)));
  const at = headerSectionLength(bytes);
  return Buffer.concat([bytes.subarray(0, at), writer.toBuffer(), bytes.subarray(at)]);
}

/** Byte length of a leading header section (descriptor 0x70), or 0 when there is none. */
function headerSectionLength(b: Buffer): number {
  if (b.length < 4 || b[0] !== 0x00) return 0;
  let i = 1;
  if (b[i] === 0x53) {
    if (b[i + 1] !== 0x70) return 0;
    i += 2;
  } else if (b[i] === 0x80) {
    if (b.readBigUInt64BE(i + 1) !== 0x70n) return 0;
    i += 9;
  } else {
    return 0;
  }
  switch (b[i]) {
    case 0x45: // list0
      return i + 1;
    case 0xc0: // list8: size byte counts what follows it
      return i + 2 + b[i + 1]!;
    case 0xd0: // list32
      return i + 5 + b.readUInt32BE(i + 1);
    default:
      return 0;
  }
}

function keyOf(annotations: Record<string, unknown> | undefined): string | undefined {
  const key = annotations?.[Annotation.partitionKey];
  return key === undefined || key === null ? undefined : String(key);
}
