import type { ReceivedEvent } from './received-event.js';

/**
 * Reads a partition's events back from the hub by sequence number: how a receiver fills a gap
 * (events the trigger skipped, say after its retries ran out). Returns, in sequence order, the
 * events in from..to (inclusive) the hub still holds; those retention removed are simply absent.
 * Throws on a transient failure, so the invocation fails and is retried.
 */
export interface HubRangeReader {
  read(partition: string, from: number, to: number): Promise<ReceivedEvent[]>;
}
