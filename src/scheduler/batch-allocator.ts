import { partitionId } from '../partitions/partition-ref.js';
import type { AllocatedRange, BatchAllocated } from '../wal/wal-events.js';
import type { EngineContext } from './engine-context.js';

/**
 * Spark's ReceivedBlockTracker.allocateBlocksToBatch: gives batch `time` every committed block not
 * yet in an earlier batch, as one sequence range per partition. The allocation is written to the
 * WAL before any processing; calling again for the same time returns the recorded allocation, so
 * a retried batch always processes exactly the same events.
 */
export async function allocateBatch(ctx: EngineContext, time: number): Promise<BatchAllocated> {
  const recorded = await ctx.batches.get(time);
  if (recorded) return recorded.allocation;
  const previous = await ctx.batches.latest(time);
  const cursor = new Map<string, number>();
  // Every allocation lists every known partition (empty ranges too), so it is the full cursor.
  for (const r of previous?.allocation.ranges ?? []) cursor.set(partitionId(r), r.upTo);

  const ranges: AllocatedRange[] = [];
  for (const checkpoint of await ctx.checkpoints.list()) {
    const after = cursor.get(partitionId(checkpoint)) ?? -1;
    if (checkpoint.lastSeq <= after) {
      ranges.push({ source: checkpoint.source, partition: checkpoint.partition, after, upTo: after, blocks: [] });
      continue;
    }
    const blocks = await ctx.checkpoints.blocksBetween(checkpoint, after, checkpoint.lastSeq);
    ranges.push({
      source: checkpoint.source, partition: checkpoint.partition, after, upTo: checkpoint.lastSeq,
      blocks: blocks.map((b) => ({ first: b.first, last: b.last, count: b.count, bytes: b.bytes })),
    });
  }
  const allocation: BatchAllocated = {
    kind: 'BatchAllocated', time, allocatedAt: ctx.clock.now(), ranges,
    records: ranges.reduce((n, r) => n + r.blocks.reduce((m, b) => m + b.count, 0), 0),
    bytes: ranges.reduce((n, r) => n + r.blocks.reduce((m, b) => m + b.bytes, 0), 0),
  };
  return ctx.batches.allocate(allocation);
}
