import type { BatchAllocated, BatchCompleted } from '../wal/wal-events.js';

/** The figures Spark's Streaming tab shows for a batch. */
export interface BatchSummary {
  readonly time: number;
  readonly records: number;
  readonly tasks: number;
  readonly schedulingDelayMs: number;
  readonly processingMs: number;
  readonly totalDelayMs: number;
  readonly deadLettered: number;
  /** Attempts the batch took (1: first time); absent when not counted. */
  readonly attempts?: number;
}

export function summarize(allocation: BatchAllocated, completion: BatchCompleted): BatchSummary {
  return {
    time: completion.time,
    records: allocation.records,
    tasks: completion.tasks.length,
    schedulingDelayMs: Math.max(0, completion.startedAt - completion.time),
    processingMs: completion.completedAt - completion.startedAt,
    totalDelayMs: Math.max(0, completion.completedAt - completion.time),
    deadLettered: completion.deadLettered,
    ...(completion.attempts !== undefined && { attempts: completion.attempts }),
  };
}
