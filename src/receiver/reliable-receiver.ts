import { PreconditionFailedError } from '../ports/errors.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import { emptyCheckpoint, type Checkpoint, type CheckpointStore, type VersionedCheckpoint } from '../wal/checkpoint-store.js';
import type { BlockAdded } from '../wal/wal-events.js';
import { cutBlocks } from './block-generator.js';
import type { BlockStore } from './block-store.js';
import type { PartitionRef } from '../partitions/partition-ref.js';
import type { ReceivedEvent } from './received-event.js';

export interface ReceiverOptions extends PartitionRef {
  readonly blockIntervalMs: number;
  readonly maxBlockBytes: number;
  /** This receiver instance, recorded as the checkpoint's owner. */
  readonly owner: string;
}

export interface ReceiveResult {
  readonly accepted: number;
  readonly redeliveries: number;
  readonly blocks: number;
  /** Etag races lost to another receiver of the same partition during this call. */
  readonly conflicts: number;
}

const MAX_CONFLICT_ROUNDS = 8;

/**
 * Spark's ReliableEventHubsReceiver: returns only after every block blob exists and its
 * BlockAdded records and the checkpoint are committed in one Table transaction, so the Event Hubs
 * extension's checkpoint (taken after return, even on error) never passes undurable data.
 *
 * Events at or below the checkpoint are redeliveries and are skipped. When another receiver wins
 * the checkpoint's etag, this one logs who owns the partition, re-reads the checkpoint, drops what
 * the winner committed and commits only the rest: never a duplicate, never a gap.
 */
export class ReliableReceiver {
  private known: VersionedCheckpoint | undefined;

  constructor(
    private readonly blocks: BlockStore,
    private readonly checkpoints: CheckpointStore,
    private readonly options: ReceiverOptions,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  get ref(): PartitionRef {
    return { source: this.options.source, partition: this.options.partition };
  }

  async receive(events: readonly ReceivedEvent[]): Promise<ReceiveResult> {
    const ordered = [...events].sort((a, b) => a.sequenceNumber - b.sequenceNumber);
    let conflicts = 0;
    let redeliveries = 0;
    for (;;) {
      const base = this.known ?? (await this.checkpoints.read(this.ref));
      const checkpoint = base?.checkpoint ?? emptyCheckpoint(this.ref, this.options.owner);
      const fresh = ordered.filter((e) => e.sequenceNumber > checkpoint.lastSeq);
      redeliveries = ordered.length - fresh.length;
      if (fresh.length === 0) {
        if (redeliveries > 0) await this.countRedeliveries(base, redeliveries);
        return { accepted: 0, redeliveries, blocks: 0, conflicts };
      }
      try {
        const blocks = await this.store(fresh, checkpoint, base, redeliveries);
        return { accepted: fresh.length, redeliveries, blocks, conflicts };
      } catch (err) {
        if (!(err instanceof PreconditionFailedError)) throw err;
        this.known = undefined;
        conflicts++;
        const winner = await this.checkpoints.read(this.ref);
        this.log.warn('receiver lost the checkpoint etag race; another receiver owns the partition', {
          source: this.options.source, partition: this.options.partition, owner: winner?.checkpoint.owner, checkpoint: winner?.checkpoint.lastSeq, me: this.options.owner,
        });
        if (conflicts >= MAX_CONFLICT_ROUNDS) throw new Error(`partition ${this.options.partition}: lost ${conflicts} etag races in a row; giving up so the call is retried`);
      }
    }
  }

  private async store(fresh: ReceivedEvent[], checkpoint: Checkpoint, base: VersionedCheckpoint | undefined, redeliveries: number): Promise<number> {
    const pending = cutBlocks(fresh, this.options.blockIntervalMs, this.options.maxBlockBytes);
    await Promise.all(pending.map((b) => this.blocks.write(this.ref, b)));
    const now = this.clock.now();
    const added: BlockAdded[] = pending.map((b) => ({
      kind: 'BlockAdded', ...this.ref, first: b.first, last: b.last, count: b.lines.length, bytes: b.bytes, minTime: b.minTime, maxTime: b.maxTime, addedAt: now,
    }));
    const lastEvent = fresh[fresh.length - 1]!;
    const next: Checkpoint = {
      ...checkpoint,
      lastSeq: lastEvent.sequenceNumber,
      lastOffset: lastEvent.offset,
      lastEnqueuedTime: lastEvent.enqueuedTime,
      owner: this.options.owner,
      blocks: checkpoint.blocks + added.length,
      events: checkpoint.events + fresh.length,
      redeliveries: checkpoint.redeliveries + redeliveries,
      updatedAt: now,
    };
    const etag = await this.checkpoints.commit(this.ref, added, next, base?.etag);
    this.known = { checkpoint: next, etag };
    return added.length;
  }

  /** A call made only of redeliveries still records the count, for the status page. */
  private async countRedeliveries(base: VersionedCheckpoint | undefined, redeliveries: number): Promise<void> {
    if (!base) return;
    const next = { ...base.checkpoint, redeliveries: base.checkpoint.redeliveries + redeliveries, updatedAt: this.clock.now() };
    try {
      this.known = { checkpoint: next, etag: await this.checkpoints.commit(this.ref, [], next, base.etag) };
    } catch (err) {
      if (!(err instanceof PreconditionFailedError)) throw err;
      this.known = undefined; // a lost count is harmless; the data was already committed
    }
  }
}
