import type { ReceivedEvent } from './received-event.js';

/**
 * Block format, version 1: NDJSON (UTF-8). Line 1 is a header
 *   {"sluiceBlock":1,"source":"events","partition":"0","first":10,"last":12,"count":3}
 * then one line per event, in sequence order:
 *   {"s":10,"o":"4096","t":1700000000000,"k":"user-1","p":{"app":"web"},"b":"<text body>"}
 * A binary body is "x" (base64) instead of "b". "k" and "p" are omitted when absent.
 * Readers reject other versions, so the format can change without silent misreads.
 */
export const BLOCK_FORMAT_VERSION = 1;

interface EventLine {
  s: number;
  o: string;
  t: number;
  k?: string;
  p?: Record<string, unknown>;
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
  if (typeof event.body === 'string') line.b = event.body;
  else line.x = Buffer.from(event.body.buffer, event.body.byteOffset, event.body.byteLength).toString('base64');
  return JSON.stringify(line);
}

export function encodeBlock(header: Omit<BlockHeader, 'sluiceBlock'>, eventLines: readonly string[]): Uint8Array {
  const head = JSON.stringify({ sluiceBlock: BLOCK_FORMAT_VERSION, ...header });
  return Buffer.from(`${head}\n${eventLines.join('\n')}\n`, 'utf8');
}

export function decodeBlock(data: Uint8Array): { header: BlockHeader; events: ReceivedEvent[] } {
  const lines = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8').split('\n').filter((l) => l.length > 0);
  const header = JSON.parse(lines[0] ?? '{}') as BlockHeader;
  if (header.sluiceBlock !== BLOCK_FORMAT_VERSION) {
    throw new Error(`unsupported block format ${JSON.stringify(header.sluiceBlock)}; this Sluice reads version ${BLOCK_FORMAT_VERSION}`);
  }
  const events = lines.slice(1).map((l): ReceivedEvent => {
    const e = JSON.parse(l) as EventLine;
    return {
      sequenceNumber: e.s,
      offset: e.o,
      enqueuedTime: e.t,
      partitionKey: e.k ?? null,
      properties: e.p ?? {},
      body: e.b ?? new Uint8Array(Buffer.from(e.x ?? '', 'base64')),
    };
  });
  if (events.length !== header.count) throw new Error(`block ${header.source}/${header.partition}/${header.first} is truncated: ${events.length} of ${header.count} events`);
  return { header, events };
}
