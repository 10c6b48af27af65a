import { exactText } from './event-body.js';
import type { ReceivedEvent } from './received-event.js';

/**
 * Block format, version 2: NDJSON (UTF-8). Line 1 is a header
 *   {"sluiceBlock":2,"source":"events","partition":"0","first":10,"last":12,"count":3}
 * then one line per event, in sequence order:
 *   {"s":10,"o":"4096","t":1700000000000,"k":"user-1","p":{"app":"web"},"y":{...},"b":"<body>"}
 * Every body is bytes. "b" holds them as text when they are valid UTF-8 (exact both ways, and
 * readable); "x" holds them as base64 otherwise. "k" (partition key), "p" (properties) and "y"
 * (system properties) are omitted when absent.
 *
 * Version 1 (still read) had the same lines without "y"; its "b" was a text body and "x" a binary
 * one, so a v1 body decodes to text or bytes as it was written. Readers reject other versions,
 * so the format can change without silent misreads.
 */
export const BLOCK_FORMAT_VERSION = 2;
const READABLE_VERSIONS = new Set([1, 2]);

interface EventLine {
  s: number;
  o: string;
  t: number;
  k?: string;
  p?: Readonly<Record<string, unknown>>;
  y?: Readonly<Record<string, unknown>>;
  b?: string;
  x?: string;
}

export interface BlockHeader {
  sluiceBlock: number;
  source: string;
  partition: string;
  first: number;
  last: number;
  count: number;
}

export function encodeEvent(event: ReceivedEvent): string {
  const line: EventLine = { s: event.sequenceNumber, o: event.offset, t: event.enqueuedTime };
  if (event.partitionKey != null) line.k = event.partitionKey;
  // Stringified right here, so the line can hold the event's own objects: no copies per event.
  if (hasKeys(event.properties)) line.p = event.properties;
  if (hasKeys(event.systemProperties)) line.y = event.systemProperties;
  const text = exactText(event.body);
  if (text !== undefined) line.b = text;
  else line.x = Buffer.from((event.body as Uint8Array).buffer, (event.body as Uint8Array).byteOffset, (event.body as Uint8Array).byteLength).toString('base64');
  return JSON.stringify(line);
}

/** Whether the object has an own enumerable key (what JSON.stringify writes), without listing them all. */
function hasKeys(record: Readonly<Record<string, unknown>> | undefined): record is Readonly<Record<string, unknown>> {
  if (!record) return false;
  for (const key in record) if (Object.hasOwn(record, key)) return true;
  return false;
}

export function encodeBlock(header: Omit<BlockHeader, 'sluiceBlock'>, eventLines: readonly string[]): Uint8Array {
  const head = JSON.stringify({ sluiceBlock: BLOCK_FORMAT_VERSION, ...header });
  return Buffer.from(`${head}\n${eventLines.join('\n')}\n`, 'utf8');
}

export function decodeBlock(data: Uint8Array): { header: BlockHeader; events: ReceivedEvent[] } {
  const lines = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8').split('\n');
  const header = JSON.parse(lines[0] || '{}') as BlockHeader;
  if (!READABLE_VERSIONS.has(header.sluiceBlock)) {
    throw new Error(`unsupported block format ${JSON.stringify(header.sluiceBlock)}; this Sluice reads versions ${[...READABLE_VERSIONS].join(' and ')}`);
  }
  const bodyOf = header.sluiceBlock === 1 ? v1Body : v2Body;
  const events: ReceivedEvent[] = [];
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.length === 0) continue;
    const e = JSON.parse(l) as EventLine;
    const event: { -readonly [K in keyof ReceivedEvent]: ReceivedEvent[K] } = {
      sequenceNumber: e.s,
      offset: e.o,
      enqueuedTime: e.t,
      partitionKey: e.k ?? null,
      properties: e.p ?? {},
      body: bodyOf(e),
    };
    if (e.y !== undefined) event.systemProperties = e.y;
    events.push(event);
  }
  if (events.length !== header.count) throw new Error(`block ${header.source}/${header.partition}/${header.first} is truncated: ${events.length} of ${header.count} events`);
  return { header, events };
}

function v1Body(e: EventLine): string | Uint8Array {
  return e.b ?? viewOf(Buffer.from(e.x ?? '', 'base64'));
}

function v2Body(e: EventLine): Uint8Array {
  return viewOf(e.b !== undefined ? Buffer.from(e.b, 'utf8') : Buffer.from(e.x ?? '', 'base64'));
}

/** The decoded bytes as a plain Uint8Array, sharing the Buffer's memory instead of copying it again. */
function viewOf(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
