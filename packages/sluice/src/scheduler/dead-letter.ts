import type { PartitionRef } from '../partitions/partition-ref.js';
import { eventBytes, exactText } from '../receiver/event-body.js';
import type { ReceivedEvent } from '../receiver/received-event.js';
import type { ObjectStore } from '../ports/object-store.js';
import { batchPrefix } from '../wal/keys.js';

/**
 * One dead-lettered record, written as a line of `<stream>/<batchTime>/<task-N|commit>.ndjson` in
 * the dead-letter container. Task-side entries keep the raw event and where it came from;
 * commit-side entries (a record failing after a window, say) keep the record as JSON.
 */
export interface DeadLetter {
  readonly stream: string;
  readonly batchTime: number;
  readonly stage: 'task' | 'commit';
  readonly operator: string;
  readonly error: string;
  readonly source?: string;
  readonly partition?: string;
  readonly sequenceNumber?: number;
  readonly offset?: string;
  readonly enqueuedTime?: number;
  readonly partitionKey?: string | null;
  readonly properties?: Readonly<Record<string, unknown>>;
  readonly systemProperties?: Readonly<Record<string, unknown>>;
  /** The exact body as text, when its bytes are valid UTF-8 (an empty body is ""). */
  readonly body?: string;
  /** The exact body as base64, when its bytes are not valid UTF-8. */
  readonly bodyBase64?: string;
  /** Written by earlier versions only: "base64" meant `body` held base64. */
  readonly bodyEncoding?: 'utf8' | 'base64';
  /** Commit-side: the failing record as JSON text. */
  readonly record?: string;
  /** Why, when it is not a failure: "late" for a record behind the watermark, with that watermark. */
  readonly reason?: string;
  readonly watermark?: number;
}

export function deadLetterOfEvent(stream: string, batchTime: number, ref: PartitionRef, event: ReceivedEvent, operator: string, error: unknown): DeadLetter {
  const text = exactText(event.body);
  return {
    stream, batchTime, stage: 'task', operator, error: messageOf(error),
    source: ref.source, partition: ref.partition, sequenceNumber: event.sequenceNumber, offset: event.offset,
    enqueuedTime: event.enqueuedTime, partitionKey: event.partitionKey ?? null, properties: event.properties ?? {},
    ...(event.systemProperties !== undefined && { systemProperties: event.systemProperties }),
    ...(text !== undefined ? { body: text } : { bodyBase64: Buffer.from(eventBytes(event)).toString('base64') }),
  };
}

export function deadLetterOfRecord(stream: string, batchTime: number, operator: string, record: unknown, error: unknown): DeadLetter {
  let json: string;
  try {
    json = JSON.stringify(record) ?? String(record);
  } catch {
    json = String(record);
  }
  const why = error as { reason?: unknown; watermark?: unknown } | null | undefined;
  return {
    stream, batchTime, stage: 'commit', operator, error: messageOf(error), record: json,
    ...(typeof why?.reason === 'string' && { reason: why.reason }),
    ...(typeof why?.watermark === 'number' && { watermark: why.watermark }),
  };
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

export function deadLetterBlobName(stream: string, batchTime: number, part: string): string {
  return `${batchPrefix(stream, batchTime)}${part}.ndjson`;
}

/** Writes a part's dead letters (replacing a previous attempt's), or nothing when there are none. */
export async function writeDeadLetters(store: ObjectStore, name: string, entries: readonly DeadLetter[]): Promise<void> {
  if (entries.length === 0) {
    await store.delete(name);
    return;
  }
  await store.put(name, Buffer.from(entries.map((e) => JSON.stringify(e)).join('\n') + '\n', 'utf8'));
}

/** A dead letter's exact raw body, whichever version wrote it; undefined for commit-side entries. */
export function deadLetterBody(d: DeadLetter): Uint8Array | undefined {
  if (d.bodyBase64 !== undefined) return new Uint8Array(Buffer.from(d.bodyBase64, 'base64'));
  if (d.body === undefined) return undefined;
  return new Uint8Array(Buffer.from(d.body, d.bodyEncoding === 'base64' ? 'base64' : 'utf8'));
}

export async function readDeadLetters(store: ObjectStore, prefix: string): Promise<DeadLetter[]> {
  const out: DeadLetter[] = [];
  for (const name of await store.list(prefix)) {
    const data = await store.get(name);
    if (!data) continue;
    for (const line of Buffer.from(data).toString('utf8').split('\n')) if (line) out.push(JSON.parse(line) as DeadLetter);
  }
  return out;
}
