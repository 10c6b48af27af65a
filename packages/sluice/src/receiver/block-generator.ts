import { encodeEvent } from './block-codec.js';
import type { ReceivedEvent } from './received-event.js';

/** A block about to be stored: consecutive events of one partition, already encoded. */
export interface PendingBlock {
  readonly first: number;
  readonly last: number;
  readonly lines: string[];
  readonly bytes: number;
  readonly minTime: number;
  readonly maxTime: number;
}

/**
 * Cuts events (in sequence order) into blocks, like Spark's BlockGenerator: a new block starts
 * when an event's enqueued time falls in a later block interval, or when the encoded block would
 * pass maxBlockBytes. Cutting by enqueued time, not arrival, keeps the cut independent of how
 * fast the receiver runs; names stay deterministic because they come from the sequence range.
 */
export function cutBlocks(events: readonly ReceivedEvent[], blockIntervalMs: number, maxBlockBytes: number): PendingBlock[] {
  const blocks: PendingBlock[] = [];
  let current: { first: number; last: number; lines: string[]; bytes: number; slot: number; minTime: number; maxTime: number } | undefined;
  for (const event of events) {
    const line = encodeEvent(event);
    const size = Buffer.byteLength(line) + 1;
    const slot = Math.floor(event.enqueuedTime / blockIntervalMs);
    if (current && (slot !== current.slot || current.bytes + size > maxBlockBytes)) {
      blocks.push(current);
      current = undefined;
    }
    if (!current) current = { first: event.sequenceNumber, last: event.sequenceNumber, lines: [], bytes: 0, slot, minTime: event.enqueuedTime, maxTime: event.enqueuedTime };
    current.lines.push(line);
    current.bytes += size;
    current.last = event.sequenceNumber;
    current.minTime = Math.min(current.minTime, event.enqueuedTime);
    current.maxTime = Math.max(current.maxTime, event.enqueuedTime);
  }
  if (current) blocks.push(current);
  return blocks;
}
