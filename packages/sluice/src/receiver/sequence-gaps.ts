import type { ReceivedEvent } from './received-event.js';

/** An inclusive range of sequence numbers. */
export interface SequenceRange {
  readonly from: number;
  readonly to: number;
}

/** The ranges of from..to that `events` (sorted, in range) do not cover. */
export function holesIn(from: number, to: number, events: readonly ReceivedEvent[]): SequenceRange[] {
  const holes: SequenceRange[] = [];
  let next = from;
  for (const e of events) {
    if (e.sequenceNumber > next) holes.push({ from: next, to: e.sequenceNumber - 1 });
    next = Math.max(next, e.sequenceNumber + 1);
  }
  if (next <= to) holes.push({ from: next, to });
  return holes;
}

/** The longest run at the start of `events` whose sequence numbers go up by one from `next`. */
export function contiguousRun(events: readonly ReceivedEvent[], next: number): ReceivedEvent[] {
  let n = 0;
  while (n < events.length && events[n]!.sequenceNumber === next + n) n++;
  return events.slice(0, n);
}

/** Events in sequence order; a sequence number twice in one call is a broken delivery, not a guess. */
export function inSequenceOrder(events: readonly ReceivedEvent[]): ReceivedEvent[] {
  const ordered = [...events].sort((a, b) => a.sequenceNumber - b.sequenceNumber);
  for (let i = 1; i < ordered.length; i++) {
    if (ordered[i]!.sequenceNumber === ordered[i - 1]!.sequenceNumber) {
      throw new Error(`sequence number ${ordered[i]!.sequenceNumber} appears twice in one delivery`);
    }
  }
  return ordered;
}
