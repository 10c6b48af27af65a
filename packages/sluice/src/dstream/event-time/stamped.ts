import type { EventOrigin, StreamNode } from '../node.js';
import type { StreamGraph } from '../stream-graph.js';

/**
 * A record as event-time operators carry it: its event time (ms since the epoch), the partition it
 * came from ("source/partition", for the per-partition watermark) and the record itself. Users
 * never see the stamp: operators take it off on the way out.
 */
export type Stamped<T = unknown> = [eventTime: number, partition: string, record: T];

/** How a stream declares its event time: a function of the record, or the Event Hubs enqueued time. */
export type EventTimeOf<T> = ((record: T) => number | Date) | 'enqueuedTime';

/**
 * The record node that stamps each record. It must run in tasks, where the event and its
 * partition are known; after a batch-level operator (a window, a reduce) the partition is gone,
 * so declaring event time there is refused when the pipeline is built.
 */
export function stampNode<T>(graph: StreamGraph, parent: StreamNode, eventTime: EventTimeOf<T>): StreamNode {
  if (parent.placement !== 'record') {
    throw new RangeError(`withWatermark must come before any batch-level operator (window, reduce, join, state): ${parent.id} runs over whole batches, where an event's partition is no longer known`);
  }
  if (eventTime !== 'enqueuedTime' && typeof eventTime !== 'function') {
    throw new TypeError(`withWatermark: the event time must be a function of the record or "enqueuedTime", got ${JSON.stringify(eventTime)}`);
  }
  const process = (record: unknown, emit: (out: unknown) => void, origin?: EventOrigin): void => {
    if (!origin) throw new Error('event time is stamped in tasks only');
    const t = eventTime === 'enqueuedTime' ? origin.event.enqueuedTime : msOf(eventTime(record as T));
    emit([t, `${origin.ref.source}/${origin.ref.partition}`, record] satisfies Stamped);
  };
  return graph.add({ id: graph.nextId('eventTime'), kind: 'eventTime', parents: [parent], placement: 'record', slideMs: parent.slideMs, process });
}

/** An event time as ms; anything else is a bad record, dead-lettered with this message. */
function msOf(value: number | Date): number {
  const ms = value instanceof Date ? value.getTime() : value;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) throw new TypeError(`event time must be a finite number of ms since the epoch or a valid Date, got ${JSON.stringify(value)}`);
  return ms;
}
