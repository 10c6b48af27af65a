import { isUtf8 } from 'node:buffer';
import type { ReceivedEvent } from './received-event.js';

/** Strict UTF-8 that keeps a leading byte-order mark, so text and bytes convert both ways exactly. */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** An event's body as the exact bytes sent. */
export function eventBytes(event: Pick<ReceivedEvent, 'body'>): Uint8Array {
  return typeof event.body === 'string' ? new Uint8Array(Buffer.from(event.body, 'utf8')) : event.body;
}

/** An event's body as text; throws when the bytes are not valid UTF-8 (a decode error dead-letters the event). */
export function eventText(event: Pick<ReceivedEvent, 'body'>): string {
  return typeof event.body === 'string' ? event.body : utf8.decode(event.body);
}

/** The body as text when its bytes are valid UTF-8 (so text and bytes round-trip), else undefined. */
export function exactText(body: string | Uint8Array): string | undefined {
  if (typeof body === 'string') return body;
  // Buffer's decoder keeps a byte-order mark, and on valid UTF-8 it is exact.
  return isUtf8(body) ? Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8') : undefined;
}

/** The body's size in bytes. */
export function bodyByteLength(body: string | Uint8Array): number {
  return typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.byteLength;
}
