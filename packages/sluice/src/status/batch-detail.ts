import { BatchLog } from '../wal/batch-log.js';
import type { TaskSummary } from '../wal/wal-events.js';
import { batchRow, type BatchRow } from './batch-row.js';
import { batchDeadLetters, type DeadLetterView } from './dead-letters.js';
import { NotFoundError } from './status-errors.js';
import type { StreamHandle } from './status-ports.js';

/** Dead letters shown with a batch; the dead-letters view has the rest. */
const DETAIL_DEAD_LETTERS = 20;

/** One partition's share of a batch: sequence numbers first..last, i.e. the WAL's (after, upTo]. */
export interface PartitionRange {
  source: string;
  partition: string;
  after: number;
  upTo: number;
  /** Null when the partition had nothing new in this batch. */
  first: number | null;
  last: number | null;
  records: number;
  blocks: number;
  bytes: number;
}

export interface BatchDetail {
  stream: string;
  batch: BatchRow;
  allocatedAt: number;
  startedAt: number | null;
  completedAt: number | null;
  failedAt: number | null;
  ranges: PartitionRange[];
  tasks: TaskSummary[];
  outputs: string[];
  deadLetters: DeadLetterView[];
}

/** Everything the WAL knows of one batch: one point read, plus its own dead letters when it has any. */
export async function batchDetail(handle: StreamHandle, time: number): Promise<BatchDetail> {
  const record = await new BatchLog(handle.storage.wal, handle.config.streamName).get(time);
  if (!record) throw new NotFoundError(`stream "${handle.name}" has no batch at time ${time}`);
  const { allocation, completion, failure } = record;
  const mayHaveDeadLetters = (completion?.deadLettered ?? 0) > 0 || failure !== undefined;
  return {
    stream: handle.name,
    batch: batchRow(record, handle.config.batchIntervalMs),
    allocatedAt: allocation.allocatedAt,
    startedAt: completion?.startedAt ?? null,
    completedAt: completion?.completedAt ?? null,
    failedAt: failure?.failedAt ?? null,
    ranges: allocation.ranges.map((r) => ({
      source: r.source, partition: r.partition, after: r.after, upTo: r.upTo,
      first: r.upTo > r.after ? r.after + 1 : null, last: r.upTo > r.after ? r.upTo : null,
      records: r.blocks.reduce((n, b) => n + b.count, 0), blocks: r.blocks.length, bytes: r.blocks.reduce((n, b) => n + b.bytes, 0),
    })),
    tasks: [...(completion?.tasks ?? [])],
    outputs: [...(completion?.outputs ?? [])],
    deadLetters: mayHaveDeadLetters ? await batchDeadLetters(handle, time, DETAIL_DEAD_LETTERS) : [],
  };
}
