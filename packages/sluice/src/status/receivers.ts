import { partitionId } from '../partitions/partition-ref.js';
import { BatchLog } from '../wal/batch-log.js';
import { CheckpointStore } from '../wal/checkpoint-store.js';
import type { StreamHandle } from './status-ports.js';

/** Batches the events/s figure averages over: one short range read of the newest rows. */
export const RATE_WINDOW = 10;

export interface ReceiverRow {
  source: string;
  partition: string;
  /** The receiver instance that wrote the checkpoint. */
  owner: string;
  /** Last sequence number durably received (blocks + checkpoint committed). */
  lastSeq: number;
  lastOffset: string;
  lastEnqueuedTime: number | null;
  /** When the receiver last committed its checkpoint (a block, or a count of skipped redeliveries). */
  lastBlockAt: number | null;
  blocks: number;
  events: number;
  /** Redelivered events the receiver skipped because its checkpoint already covered them. */
  redeliveries: number;
  /** Events per second over the newest RATE_WINDOW batches' allocations; null before the first batch. */
  eventsPerSec: number | null;
  /** The newest batch's cursor for this partition: received up to here has been given to a batch. */
  allocatedUpTo: number | null;
  /** Received but in no batch yet (Event Hubs sequence numbers are contiguous per partition). */
  pending: number;
  /** Last enqueued sequence number on the hub, from the partition properties; null when unknown. */
  lastEnqueued: number | null;
  /** lastEnqueued − lastSeq: events on the hub the receiver has not committed yet. */
  lag: number | null;
}

export interface ReceiverReport {
  stream: string;
  rateWindow: { batches: number; from: number | null; to: number | null };
  receivers: ReceiverRow[];
}

/**
 * One row per partition from its checkpoint (one query for the checkpoint rows), rates from the newest few
 * batches' per-partition ranges, and lag from the hub's partition properties when the handle can
 * reach them. Rates come from the WAL rather than from remembered checkpoint snapshots so every
 * instance of a scaled-out status API answers the same.
 */
export async function receiverReport(handle: StreamHandle): Promise<ReceiverReport> {
  const stream = handle.config.streamName;
  const [checkpoints, batches] = await Promise.all([
    new CheckpointStore(handle.storage.wal, stream).list(),
    new BatchLog(handle.storage.wal, stream).list({ limit: RATE_WINDOW }),
  ]);
  const received = new Map<string, number>();
  for (const b of batches) {
    for (const r of b.allocation.ranges) received.set(partitionId(r), (received.get(partitionId(r)) ?? 0) + r.blocks.reduce((n, x) => n + x.count, 0));
  }
  const cursor = new Map((batches[0]?.allocation.ranges ?? []).map((r) => [partitionId(r), r.upTo]));
  const seconds = (batches.length * handle.config.batchIntervalMs) / 1000;
  const receivers = await Promise.all(checkpoints.map(async (c): Promise<ReceiverRow> => {
    const id = partitionId(c);
    const allocatedUpTo = cursor.get(id) ?? null;
    // Each source is its own Event Hub, so the properties are asked of the checkpoint's source.
    const lastEnqueued = handle.lastEnqueued ? await handle.lastEnqueued(c.partition, c.source).catch(() => undefined) : undefined;
    return {
      source: c.source, partition: c.partition, owner: c.owner, lastSeq: c.lastSeq, lastOffset: c.lastOffset,
      lastEnqueuedTime: c.lastEnqueuedTime || null, lastBlockAt: c.updatedAt || null,
      blocks: c.blocks, events: c.events, redeliveries: c.redeliveries,
      eventsPerSec: batches.length > 0 ? (received.get(id) ?? 0) / seconds : null,
      allocatedUpTo,
      pending: allocatedUpTo === null ? c.events : Math.max(0, Math.min(c.events, c.lastSeq - allocatedUpTo)),
      lastEnqueued: lastEnqueued ?? null,
      lag: lastEnqueued === undefined ? null : Math.max(0, lastEnqueued - c.lastSeq),
    };
  }));
  return { stream: handle.name, rateWindow: { batches: batches.length, from: batches.at(-1)?.time ?? null, to: batches[0]?.time ?? null }, receivers };
}
