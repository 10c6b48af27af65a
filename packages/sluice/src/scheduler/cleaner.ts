import type { EngineContext } from './engine-context.js';
import { partialName } from './task-runner.js';
import { planTasks } from './task-planner.js';

export interface CleanupResult {
  readonly batchesCleaned: number;
  readonly blocksDeleted: number;
  readonly walRecordsDeleted: number;
  readonly stateSnapshotsDeleted: number;
}

/** Batches looked at per pass, on each side of a cutoff: cleanup keeps pace one batch per interval. */
const LOOKBACK_BATCHES = 200;

/**
 * Deletes what no batch can need any more (Spark's BatchCleaned): the blocks, BlockAdded records
 * and partials of completed batches older than the block retention, WAL records older than the
 * WAL retention, and state snapshots older than the longest window. It never touches a batch that
 * is not completed (its data stays for a retry or a replay), nor anything newer than the oldest
 * incomplete batch. Batches missed by more than the lookback are left to the blob lifecycle rule.
 */
export async function cleanUp(ctx: EngineContext, now: number, rememberMs: number): Promise<CleanupResult> {
  const blockCutoff = now - ctx.blockRetentionMs;
  const recent = await ctx.batches.list({ before: blockCutoff + 1, limit: LOOKBACK_BATCHES });
  const oldestIncomplete = recent.filter((b) => b.status === 'allocated' || (b.status === 'failed' && !b.failure?.skipped)).at(-1)?.time;
  let batchesCleaned = 0;
  let blocksDeleted = 0;
  for (const batch of [...recent].reverse()) {
    if (batch.status !== 'completed') continue;
    if (oldestIncomplete !== undefined && batch.time > oldestIncomplete) break;
    for (const range of batch.allocation.ranges) {
      for (const b of range.blocks) await ctx.blocks.delete(range, b.first, b.last);
      blocksDeleted += range.blocks.length;
      if (range.blocks.length) await ctx.checkpoints.deleteBlocksUpTo(range, range.upTo);
    }
    for (const p of planTasks(batch.allocation, ctx.maxTasksPerBatch)) await ctx.storage.partials.delete(partialName(ctx.stream, batch.time, p.task));
    await ctx.batches.clean({ kind: 'BatchCleaned', time: batch.time, cleanedAt: now });
    batchesCleaned++;
  }
  const walCutoff = now - ctx.walRetentionMs;
  const expired = (await ctx.batches.list({ before: walCutoff + 1, limit: LOOKBACK_BATCHES })).filter((b) => b.status === 'cleaned');
  for (const b of expired) await ctx.batches.delete(b.time);
  const lastCompleted = (await ctx.batches.list({ limit: LOOKBACK_BATCHES })).find((b) => b.status === 'completed' || b.status === 'cleaned');
  const stateSnapshotsDeleted = lastCompleted ? await ctx.state.deleteBefore(lastCompleted.time - rememberMs) : 0;
  return { batchesCleaned, blocksDeleted, walRecordsDeleted: expired.length, stateSnapshotsDeleted };
}
