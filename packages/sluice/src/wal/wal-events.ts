import type { PartitionRef } from '../partitions/partition-ref.js';

/**
 * The closed set of write-ahead log events. Recovery and status read nothing else: receivers
 * append BlockAdded; the driver appends BatchAllocated, then BatchCompleted or BatchFailed;
 * cleanup appends BatchCleaned. A batch's record moves allocated -> completed|failed -> cleaned.
 */
export interface BlockAdded {
  readonly kind: 'BlockAdded';
  readonly source: string;
  readonly partition: string;
  readonly first: number;
  readonly last: number;
  readonly count: number;
  readonly bytes: number;
  /** Earliest and latest enqueued time in the block. */
  readonly minTime: number;
  readonly maxTime: number;
  readonly addedAt: number;
}

/** A block as a batch refers to it: its sequence range and size. */
export interface AllocatedBlock {
  readonly first: number;
  readonly last: number;
  readonly count: number;
  readonly bytes: number;
}

/** One partition's share of a batch: the sequence range (after, upTo] and its blocks. */
export interface AllocatedRange extends PartitionRef {
  readonly after: number;
  readonly upTo: number;
  readonly blocks: readonly AllocatedBlock[];
  /** Stored blocks of this partition left for later batches by the per-partition bounds. */
  readonly backlog?: Backlog;
}

/** Events durably stored by receivers but not yet allocated to a batch. */
export interface Backlog {
  readonly events: number;
  readonly bytes: number;
}

export interface BatchAllocated {
  readonly kind: 'BatchAllocated';
  readonly time: number;
  readonly allocatedAt: number;
  readonly ranges: readonly AllocatedRange[];
  readonly records: number;
  readonly bytes: number;
  /** What stayed stored but unallocated after this allocation, all partitions together. */
  readonly backlog?: Backlog;
}

export interface TaskSummary {
  readonly task: number;
  readonly blocks: number;
  readonly recordsIn: number;
  readonly recordsOut: number;
  readonly deadLettered: number;
  readonly bytes: number;
  readonly durationMs: number;
}

export interface BatchCompleted {
  readonly kind: 'BatchCompleted';
  readonly time: number;
  /** When processing started (first task) and when the commit finished. */
  readonly startedAt: number;
  readonly completedAt: number;
  readonly tasks: readonly TaskSummary[];
  readonly outputs: readonly string[];
  readonly deadLettered: number;
  /** Streams with event time: the watermark the batch used (null before any event), late records counted, copies dropped. */
  readonly eventTime?: { readonly watermark: number | null };
  readonly lateRecords?: number;
  readonly droppedDuplicates?: number;
  /** Attempts the batch took, this successful one included (absent: recorded before attempts were counted). */
  readonly attempts?: number;
}

export interface BatchFailed {
  readonly kind: 'BatchFailed';
  readonly time: number;
  readonly failedAt: number;
  readonly error: string;
  /** Skipped batches stay in the log as failed; their blocks stay for a replay. */
  readonly skipped: boolean;
  readonly attempts?: number;
}

export interface BatchCleaned {
  readonly kind: 'BatchCleaned';
  readonly time: number;
  readonly cleanedAt: number;
}

/**
 * A receiver found events it had not stored (sequence numbers jumped past its checkpoint) that the
 * hub no longer holds (retention): the range (from..to, inclusive) is lost, and says so. Committed
 * in the same transaction as the events after it, so loss is never silent.
 */
export interface GapDetected {
  readonly kind: 'GapDetected';
  readonly source: string;
  readonly partition: string;
  readonly from: number;
  readonly to: number;
  readonly count: number;
  readonly detectedAt: number;
}

export type WalEvent = BlockAdded | BatchAllocated | BatchCompleted | BatchFailed | BatchCleaned | GapDetected;

export type BatchStatus = 'allocated' | 'completed' | 'failed' | 'cleaned';

/** What the log knows of one batch: its allocation, plus how it ended. */
export interface BatchRecord {
  readonly time: number;
  readonly status: BatchStatus;
  readonly allocation: BatchAllocated;
  readonly completion?: BatchCompleted;
  readonly failure?: BatchFailed;
}
