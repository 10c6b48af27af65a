import { PreconditionFailedError } from '../ports/errors.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import { emptyCheckpoint, type Checkpoint, type CheckpointStore, type VersionedCheckpoint } from '../wal/checkpoint-store.js';
import type { BlockAdded, GapDetected } from '../wal/wal-events.js';
import { cutBlocks } from './block-generator.js';
import type { BlockStore } from './block-store.js';
import type { PartitionRef } from '../partitions/partition-ref.js';
import type { HubRangeReader } from './hub-range-reader.js';
import type { ReceivedEvent } from './received-event.js';
import { contiguousRun, holesIn, inSequenceOrder } from './sequence-gaps.js';

export interface ReceiverOptions extends PartitionRef {
  readonly blockIntervalMs: number;
  readonly maxBlockBytes: number;
  /** This receiver instance, recorded as the checkpoint's owner. */
  readonly owner: string;
  /** Reads skipped ranges back from the hub; without one, every gap is recorded as lost. */
  readonly hub?: HubRangeReader;
}

export interface ReceiveResult {
  readonly accepted: number;
  readonly redeliveries: number;
  readonly blocks: number;
  /** Etag races lost to another receiver of the same partition during this call. */
  readonly conflicts: number;
  /** Events of skipped ranges read back from the hub and stored. */
  readonly filled: number;
  /** Events of skipped ranges the hub no longer held (recorded as GapDetected). */
  readonly lost: number;
}

const MAX_CONFLICT_ROUNDS = 8;
/** Events read back from the hub per commit while closing a gap: bounds memory however long the gap. */
export const FILL_CHUNK = 500;

interface Progress {
  checkpoint: Checkpoint;
  base: VersionedCheckpoint | undefined;
  blocks: number;
  filled: number;
  lost: number;
}

/**
 * Spark's ReliableEventHubsReceiver: returns only after every block blob exists and its
 * BlockAdded records and the checkpoint are committed in one Table transaction, so the Event Hubs
 * extension's checkpoint (taken after return, even on error) never passes undurable data.
 *
 * Events at or below the checkpoint are redeliveries and are skipped. Sequence numbers are
 * contiguous within a partition, so new events that start above checkpoint + 1 mean the trigger
 * skipped some (its retries ran out, say): the receiver reads that range back from the hub and
 * stores it first, and records what retention already removed as GapDetected, in the same
 * transaction as the events after it. The first events after a fresh start (no checkpoint) are
 * where the trigger's starting position put them, not a gap.
 *
 * When another receiver wins the checkpoint's etag, this one logs who owns the partition, re-reads
 * the checkpoint, drops what the winner committed and commits only the rest: never a duplicate,
 * never a gap.
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
    const ordered = inSequenceOrder(events);
    let conflicts = 0;
    let redeliveries = 0;
    for (;;) {
      const base = this.known ?? (await this.checkpoints.read(this.ref));
      const checkpoint = base?.checkpoint ?? emptyCheckpoint(this.ref, this.options.owner);
      const fresh = ordered.filter((e) => e.sequenceNumber > checkpoint.lastSeq);
      redeliveries = ordered.length - fresh.length;
      if (fresh.length === 0) {
        if (redeliveries > 0) await this.countRedeliveries(base, redeliveries);
        return { accepted: 0, redeliveries, blocks: 0, conflicts, filled: 0, lost: 0 };
      }
      try {
        const done = await this.storeInOrder(fresh, { checkpoint, base, blocks: 0, filled: 0, lost: 0 }, redeliveries);
        return { accepted: fresh.length, redeliveries, blocks: done.blocks, conflicts, filled: done.filled, lost: done.lost };
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

  /** Commits the new events in sequence order, closing every gap before the events after it. */
  private async storeInOrder(fresh: ReceivedEvent[], start: Progress, redeliveries: number): Promise<Progress> {
    let p = start;
    let pending = fresh;
    let counted = redeliveries;
    // A fresh start begins where the trigger's starting position put it.
    let next = p.base ? p.checkpoint.lastSeq + 1 : pending[0]!.sequenceNumber;
    while (pending.length > 0) {
      const first = pending[0]!.sequenceNumber;
      if (first > next) {
        p = await this.fill(p, next, Math.min(first - 1, next + FILL_CHUNK - 1));
      } else {
        const run = contiguousRun(pending, next);
        p = await this.commit(p, run, [], run[run.length - 1]!.sequenceNumber, counted);
        pending = pending.slice(run.length);
        counted = 0;
      }
      next = p.checkpoint.lastSeq + 1;
    }
    return p;
  }

  /** Reads from..to back from the hub and commits it; what the hub no longer holds becomes GapDetected. */
  private async fill(p: Progress, from: number, to: number): Promise<Progress> {
    const read = this.options.hub ? await this.options.hub.read(this.options.partition, from, to) : [];
    const events = inSequenceOrder(read.filter((e) => e.sequenceNumber >= from && e.sequenceNumber <= to));
    const now = this.clock.now();
    const gaps: GapDetected[] = holesIn(from, to, events).map((h) => ({ kind: 'GapDetected', ...this.ref, from: h.from, to: h.to, count: h.to - h.from + 1, detectedAt: now }));
    for (const g of gaps) {
      this.log.error('events lost: the trigger skipped them and the hub no longer holds them', {
        source: g.source, partition: g.partition, from: g.from, to: g.to, count: g.count, reader: this.options.hub ? 'hub' : 'none',
      });
    }
    if (events.length > 0) this.log.warn('receiver filled a gap from the hub', { partition: this.options.partition, from, to, events: events.length });
    const next = await this.commit(p, events, gaps, to, 0);
    return { ...next, filled: next.filled + events.length, lost: next.lost + gaps.reduce((n, g) => n + g.count, 0) };
  }

  /** Stores blocks of `events`, then commits them, `gaps` and the checkpoint at `upTo` in one fenced step. */
  private async commit(p: Progress, events: ReceivedEvent[], gaps: readonly GapDetected[], upTo: number, redeliveries: number): Promise<Progress> {
    const pending = cutBlocks(events, this.options.blockIntervalMs, this.options.maxBlockBytes);
    await Promise.all(pending.map((b) => this.blocks.write(this.ref, b)));
    const now = this.clock.now();
    const added: BlockAdded[] = pending.map((b) => ({
      kind: 'BlockAdded', ...this.ref, first: b.first, last: b.last, count: b.lines.length, bytes: b.bytes, minTime: b.minTime, maxTime: b.maxTime, addedAt: now,
    }));
    const lastEvent = events[events.length - 1];
    const { checkpoint } = p;
    const next: Checkpoint = {
      ...checkpoint,
      lastSeq: upTo,
      lastOffset: lastEvent?.offset ?? checkpoint.lastOffset,
      lastEnqueuedTime: lastEvent?.enqueuedTime ?? checkpoint.lastEnqueuedTime,
      owner: this.options.owner,
      blocks: checkpoint.blocks + added.length,
      events: checkpoint.events + events.length,
      redeliveries: checkpoint.redeliveries + redeliveries,
      gaps: checkpoint.gaps + gaps.length,
      updatedAt: now,
    };
    const etag = await this.checkpoints.commit(this.ref, added, next, p.base?.etag, gaps);
    this.known = { checkpoint: next, etag };
    return { checkpoint: next, base: this.known, blocks: p.blocks + added.length, filled: p.filled, lost: p.lost };
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
