import { join } from 'node:path';
import type { Clock } from 'sluice';
import { Condition, HubError } from './amqp-errors.js';
import type { HubSpec } from './emulator-config.js';
import { partitionIndexForKey } from './partition-key-hash.js';
import { PartitionLog, type RetentionOptions, type StoredEvent } from './partition-log.js';
import { ReaderOwnership } from './reader-ownership.js';

/** One event hub: its partitions, consumer groups and reader ownership. */
export class EventHub {
  readonly name: string;
  readonly createdAt: number;
  readonly partitions: PartitionLog[];
  readonly ownership = new ReaderOwnership();
  private nextRoundRobin = 0;

  constructor(
    private readonly spec: HubSpec,
    clock: Clock,
    retention: RetentionOptions,
    persistDir: string | undefined,
  ) {
    this.name = spec.name;
    this.createdAt = clock.now();
    this.partitions = Array.from(
      { length: spec.partitionCount },
      (_, i) => new PartitionLog(clock, retention, persistDir ? join(persistDir, spec.name.toLowerCase(), `${i}.ndjson`) : undefined),
    );
  }

  get partitionIds(): string[] {
    return this.partitions.map((_, i) => String(i));
  }

  /** The log of a partition id, or argument-out-of-range as the service answers. */
  partition(id: string): PartitionLog {
    const index = /^\d+$/.test(id) ? Number(id) : NaN;
    const log = this.partitions[index];
    if (!log) {
      throw new HubError(Condition.argumentOutOfRange, `The specified partition '${id}' is invalid for event hub '${this.name}'; valid ids are 0 to ${this.partitions.length - 1}.`);
    }
    return log;
  }

  /** The configured spelling of a consumer group (names are case-insensitive). */
  consumerGroup(name: string): string {
    const found = this.spec.consumerGroups.get(name.toLowerCase());
    if (!found) throw new HubError(Condition.notFound, `The messaging entity '${this.name}/ConsumerGroups/${name}' could not be found.`);
    return found;
  }

  /**
   * Stores one send in a single partition: the one named, else the one the partition key
   * hashes to (the SDK's mapping), else the next in round-robin order.
   */
  publish(events: Buffer[], target: { partitionId?: string; partitionKey?: string }): { partitionId: string; stored: StoredEvent[] } {
    let index: number;
    if (target.partitionId !== undefined) {
      this.partition(target.partitionId);
      index = Number(target.partitionId);
    } else if (target.partitionKey !== undefined) {
      index = partitionIndexForKey(target.partitionKey, this.partitions.length);
    } else {
      index = this.nextRoundRobin;
      this.nextRoundRobin = (this.nextRoundRobin + 1) % this.partitions.length;
    }
    return { partitionId: String(index), stored: this.partitions[index]!.append(events, target.partitionKey) };
  }

  async close(): Promise<void> {
    await Promise.all(this.partitions.map((p) => p.close()));
  }
}
