import { Condition, HubError } from './amqp-errors.js';

/** A reader of one consumer group and partition, as ownership sees it. */
export interface OwnedReader {
  readonly epoch: number | undefined;
  /** Detaches the reader; called when a reader with a higher or equal epoch arrives. */
  evict(error: HubError): void;
}

export const MAX_NON_EPOCH_READERS = 5;

/**
 * Owner level (epoch) rules per consumer group and partition, as the service applies them:
 * a reader with epoch E detaches every reader at or below E and every non-epoch reader;
 * a lower epoch, or no epoch while an epoch reader exists, is refused; at most five
 * non-epoch readers share a partition.
 */
export class ReaderOwnership {
  private readonly groups = new Map<string, Set<OwnedReader>>();

  claim(key: string, reader: OwnedReader): void {
    const readers = this.groups.get(key) ?? new Set<OwnedReader>();
    const epochs = [...readers].map((r) => r.epoch).filter((e): e is number => e !== undefined);
    const top = epochs.length > 0 ? Math.max(...epochs) : undefined;
    if (reader.epoch !== undefined) {
      if (top !== undefined && top > reader.epoch) {
        throw new HubError(Condition.linkStolen, `A receiver with a higher epoch '${top}' already exists; a receiver with epoch '${reader.epoch}' cannot be created. Make sure you are creating receivers with increasing epochs.`);
      }
      for (const other of [...readers]) {
        readers.delete(other);
        other.evict(new HubError(Condition.linkStolen, `A new receiver with epoch '${reader.epoch}' was created, so this receiver (epoch '${other.epoch ?? 'none'}') is being disconnected.`));
      }
    } else if (top !== undefined) {
      throw new HubError(Condition.linkStolen, `A receiver with epoch '${top}' already exists; a receiver without an epoch cannot be created.`);
    } else if (readers.size >= MAX_NON_EPOCH_READERS) {
      throw new HubError(Condition.quotaExceeded, `Exceeded the maximum number of allowed receivers per partition in a consumer group, which is ${MAX_NON_EPOCH_READERS}.`);
    }
    readers.add(reader);
    this.groups.set(key, readers);
  }

  release(key: string, reader: OwnedReader): void {
    const readers = this.groups.get(key);
    if (!readers) return;
    readers.delete(reader);
    if (readers.size === 0) this.groups.delete(key);
  }

  count(key: string): number {
    return this.groups.get(key)?.size ?? 0;
  }
}
