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
  p?: Record<string, unknown>;
  y?: Record<string, unknown>;
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
  if (event.properties && Object.keys(event.properties).length > 0) line.p = { ...event.properties };
  if (event.systemProperties && Object.keys(event.systemProperties).length > 0) line.y = { ...event.systemProperties };
  const text = exactText(event.body);
  if (text !== undefined) line.b = text;
  else line.x = Buffer.from((event.body as Uint8Array).buffer, (event.body as Uint8Array).byteOffset, (event.body as Uint8Array).byteLength).toString('base64');
  return JSON.stringify(line);
}

export function encodeBlock(header: Omit<BlockHeader, 'sluiceBlock'>, eventLines: readonly string[]): Uint8Array {
  const head = JSON.stringify({ sluiceBlock: BLOCK_FORMAT_VERSION, ...header });
  return Buffer.from(`${head}\n${eventLines.join('\n')}\n`, 'utf8');
}

export function decodeBlock(data: Uint8Array): { header: BlockHeader; events: ReceivedEvent[] } {
  const lines = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8').split('\n').filter((l) => l.length > 0);
  const header = JSON.parse(lines[0] ?? '{}') as BlockHeader;
  if (!READABLE_VERSIONS.has(header.sluiceBlock)) {
    throw new Error(`unsupported block format ${JSON.stringify(header.sluiceBlock)}; this Sluice reads versions ${[...READABLE_VERSIONS].join(' and ')}`);
  }
  const bodyOf = header.sluiceBlock === 1 ? v1Body : v2Body;
  const events = lines.slice(1).map((l): ReceivedEvent => {
    const e = JSON.parse(l) as EventLine;
    return {
      sequenceNumber: e.s,
      offset: e.o,
      enqueuedTime: e.t,
      partitionKey: e.k ?? null,
      properties: e.p ?? {},
      ...(e.y !== undefined && { systemProperties: e.y }),
      body: bodyOf(e),
    };
  });
  if (events.length !== header.count) throw new Error(`block ${header.source}/${header.partition}/${header.first} is truncated: ${events.length} of ${header.count} events`);
  return { header, events };
}

function v1Body(e: EventLine): string | Uint8Array {
  return e.b ?? new Uint8Array(Buffer.from(e.x ?? '', 'base64'));
}

function v2Body(e: EventLine): Uint8Array {
  return new Uint8Array(e.b !== undefined ? Buffer.from(e.b, 'utf8') : Buffer.from(e.x ?? '', 'base64'));
}
