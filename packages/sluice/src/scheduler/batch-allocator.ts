import { partitionId } from '../partitions/partition-ref.js';
import type { Checkpoint } from '../wal/checkpoint-store.js';
import type { AllocatedBlock, AllocatedRange, BatchAllocated, BlockAdded } from '../wal/wal-events.js';
import type { EngineContext } from './engine-context.js';
import { mapBounded } from '../util/bounded.js';

/** Partitions whose block records are read at once: bounds the allocation's fan-out of Table queries. */
const READ_CONCURRENCY = 8;

/**
 * Spark's ReceivedBlockTracker.allocateBlocksToBatch: gives batch `time` the committed blocks not
 * yet in an earlier batch, as one sequence range per partition. The allocation is written to the
 * WAL before any processing; calling again for the same time returns the recorded allocation, so
 * a retried batch always processes exactly the same events.
 *
 * Backpressure (Spark's maxRatePerPartition): a partition gives at most maxEventsPerPartition
 * events and maxBytesPerPartition block bytes to one batch, in whole blocks and in sequence
 * order; the rest stays for the next batches and is recorded as the allocation's backlog. A
 * partition with blocks always gives at least its first block, so a block larger than the bound
 * still moves on. The bound depends only on the stored blocks, never on time or on which process
 * allocates, so the allocation stays deterministic.
 */
export async function allocateBatch(ctx: EngineContext, time: number): Promise<BatchAllocated> {
  const recorded = await ctx.batches.get(time);
  if (recorded) return recorded.allocation;
  const previous = await ctx.batches.latest(time);
  const cursor = new Map<string, number>();
  // Every allocation lists every known partition (empty ranges too), so it is the full cursor.
  for (const r of previous?.allocation.ranges ?? []) cursor.set(partitionId(r), r.upTo);
  const bounds = { events: ctx.maxEventsPerPartition ?? Number.POSITIVE_INFINITY, bytes: ctx.maxBytesPerPartition ?? Number.POSITIVE_INFINITY };

  const ranges = await mapBounded(await ctx.checkpoints.list(), READ_CONCURRENCY, async (checkpoint): Promise<AllocatedRange> => {
    const after = cursor.get(partitionId(checkpoint)) ?? -1;
    if (checkpoint.lastSeq <= after) return { source: checkpoint.source, partition: checkpoint.partition, after, upTo: after, blocks: [] };
    return boundedRange(checkpoint, after, await ctx.checkpoints.blocksBetween(checkpoint, after, checkpoint.lastSeq), bounds);
  });
  const sum = (pick: (b: AllocatedBlock) => number): number => ranges.reduce((n, r) => n + r.blocks.reduce((m, b) => m + pick(b), 0), 0);
  const backlog = { events: ranges.reduce((n, r) => n + (r.backlog?.events ?? 0), 0), bytes: ranges.reduce((n, r) => n + (r.backlog?.bytes ?? 0), 0) };
  const allocation: BatchAllocated = {
    kind: 'BatchAllocated', time, allocatedAt: ctx.clock.now(), ranges,
    records: sum((b) => b.count),
    bytes: sum((b) => b.bytes),
    ...(backlog.events > 0 && { backlog }),
  };
  return ctx.batches.allocate(allocation);
}

/** One partition's share: its stored blocks after the cursor, cut at the first block past a bound. */
export function boundedRange(checkpoint: Checkpoint, after: number, stored: readonly BlockAdded[], bounds: { events: number; bytes: number }): AllocatedRange {
  const taken: AllocatedBlock[] = [];
  let events = 0;
  let bytes = 0;
  for (const b of stored) {
    if (taken.length > 0 && (events + b.count > bounds.events || bytes + b.bytes > bounds.bytes)) break;
    taken.push({ first: b.first, last: b.last, count: b.count, bytes: b.bytes });
    events += b.count;
    bytes += b.bytes;
  }
  const left = stored.slice(taken.length);
  // All taken: the range ends at the checkpoint, as without a bound. Cut: at the last taken block.
  const upTo = left.length === 0 ? checkpoint.lastSeq : taken[taken.length - 1]!.last;
  const backlog = { events: left.reduce((n, b) => n + b.count, 0), bytes: left.reduce((n, b) => n + b.bytes, 0) };
  return { source: checkpoint.source, partition: checkpoint.partition, after, upTo, blocks: taken, ...(left.length > 0 && { backlog }) };
}
