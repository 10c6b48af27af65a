import { summarize } from '../scheduler/stream-engine.js';
import type { BatchRecord, BatchStatus } from '../wal/wal-events.js';

/** One line of the batches table and one point of each chart: Spark's per-batch figures. */
export interface BatchRow {
  time: number;
  status: BatchStatus;
  /** Spark's "processing" batches: allocated, not yet completed or failed. */
  active: boolean;
  records: number;
  bytes: number;
  /** Records per second of batch interval: Spark's input rate. */
  inputRate: number;
  /** The figures below exist once a batch has completed (cleaned batches keep them). */
  tasks: number | null;
  schedulingDelayMs: number | null;
  processingMs: number | null;
  totalDelayMs: number | null;
  deadLettered: number | null;
  error?: string;
  skipped?: boolean;
  /** Streams with event time: records behind the watermark, and copies dropped by deduplication, in this batch. */
  lateRecords?: number;
  droppedDuplicates?: number;
  /** Attempts the batch took (completed or failed), when recorded. */
  attempts?: number;
}

export function batchRow(record: BatchRecord, batchIntervalMs: number): BatchRow {
  const { allocation, completion, failure } = record;
  const summary = completion && summarize(allocation, completion);
  return {
    time: record.time,
    status: record.status,
    active: record.status === 'allocated',
    records: allocation.records,
    bytes: allocation.bytes,
    inputRate: allocation.records / (batchIntervalMs / 1000),
    tasks: summary?.tasks ?? null,
    schedulingDelayMs: summary?.schedulingDelayMs ?? null,
    processingMs: summary?.processingMs ?? null,
    totalDelayMs: summary?.totalDelayMs ?? null,
    deadLettered: summary?.deadLettered ?? null,
    ...(failure && { error: failure.error, skipped: failure.skipped }),
    ...(completion?.lateRecords !== undefined && { lateRecords: completion.lateRecords }),
    ...(completion?.droppedDuplicates !== undefined && { droppedDuplicates: completion.droppedDuplicates }),
    ...(attemptsOf(record) !== undefined && { attempts: attemptsOf(record) }),
  };
}

/** Finished with results: completed, or completed and since cleaned up. */
export const hasCompleted = (record: BatchRecord): boolean => record.completion !== undefined;

const attemptsOf = (record: BatchRecord): number | undefined => record.completion?.attempts ?? record.failure?.attempts;
