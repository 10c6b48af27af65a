import { BatchLog } from '../wal/batch-log.js';
import { batchRow, type BatchRow } from './batch-row.js';
import type { StreamHandle } from './status-ports.js';

export interface BatchPage {
  stream: string;
  batchIntervalMs: number;
  /** Active (allocated) batches first, then the rest; each group newest first. */
  batches: BatchRow[];
  paging: {
    before: number | null;
    limit: number;
    /** The `before` of the next (older) page, or null on the last page. */
    next: number | null;
  };
}

/**
 * One page of the batch history: a single range read of limit + 1 rows from the newest-first
 * batch partition, the extra row only telling whether an older page exists. Cost is the page
 * size, never the history's length.
 */
export async function batchPage(handle: StreamHandle, options: { before?: number; limit: number }): Promise<BatchPage> {
  const log = new BatchLog(handle.storage.wal, handle.config.streamName);
  const rows = await log.list({ ...(options.before !== undefined && { before: options.before }), limit: options.limit + 1 });
  const page = rows.slice(0, options.limit);
  const next = rows.length > options.limit ? page[page.length - 1]!.time : null;
  const summaries = page.map((r) => batchRow(r, handle.config.batchIntervalMs));
  return {
    stream: handle.name,
    batchIntervalMs: handle.config.batchIntervalMs,
    batches: [...summaries.filter((b) => b.active), ...summaries.filter((b) => !b.active)],
    paging: { before: options.before ?? null, limit: options.limit, next },
  };
}
