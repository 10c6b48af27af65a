import type { PartitionRef } from '../partitions/partition-ref.js';
import type { AllocatedBlock, BatchAllocated } from '../wal/wal-events.js';

export type TaskBlock = PartitionRef & AllocatedBlock;

export interface TaskPlan {
  readonly task: number;
  readonly blocks: readonly TaskBlock[];
}

/**
 * Splits a batch's blocks into at most maxTasks tasks of contiguous blocks with about equal bytes,
 * in (source, partition, sequence) order. Bytes, not blocks or records, are what a task reads and
 * holds in memory, so a task of a few large blocks and one of many small ones weigh the same. A pure function of the allocation, so every
 * activity derives the same plan and only (batch time, task index) crosses the orchestrator.
 * Fan-out is bounded like Spark's batchInterval / blockInterval, never one task per event.
 */
export function planTasks(allocation: BatchAllocated, maxTasks: number): TaskPlan[] {
  const blocks: TaskBlock[] = allocation.ranges.flatMap((r) => r.blocks.map((b) => ({ source: r.source, partition: r.partition, ...b })));
  const taskCount = Math.min(maxTasks, blocks.length);
  if (taskCount === 0) return [];
  const total = blocks.reduce((n, b) => n + weight(b), 0);
  const plans: TaskBlock[][] = [[]];
  let seen = 0;
  blocks.forEach((block, i) => {
    const remainingBlocks = blocks.length - i;
    const remainingTasks = taskCount - plans.length;
    const current = plans[plans.length - 1]!;
    // Start the next task once this one holds its share, while enough blocks remain to fill the rest.
    if (current.length > 0 && remainingTasks > 0 && (seen >= (total * plans.length) / taskCount || remainingBlocks <= remainingTasks)) plans.push([]);
    plans[plans.length - 1]!.push(block);
    seen += weight(block);
  });
  return plans.map((b, task) => ({ task, blocks: b }));
}

/** A block's share of a task: its bytes (a block always has some; count only if a record lacked them). */
const weight = (b: AllocatedBlock): number => (b.bytes > 0 ? b.bytes : b.count);
