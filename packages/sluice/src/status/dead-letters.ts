import { readDeadLetters, type DeadLetter } from '../scheduler/dead-letter.js';
import { BatchLog } from '../wal/batch-log.js';
import { batchPrefix } from '../wal/keys.js';
import type { StreamHandle } from './status-ports.js';

/** How many of the newest batches the dead-letter count covers: one bounded range read. */
export const DEAD_LETTER_WINDOW = 200;
/** Bodies can be large or sensitive: the page shows only their start. */
const PREVIEW_CHARS = 200;

/** A dead letter as the page shows it: where it came from, why, and the start of its body. */
export interface DeadLetterView {
  batchTime: number;
  stage: DeadLetter['stage'];
  operator: string;
  error: string;
  source?: string;
  partition?: string;
  sequenceNumber?: number;
  enqueuedTime?: number;
  preview: string;
  truncated: boolean;
}

export interface DeadLetterReport {
  stream: string;
  /** Records dead-lettered in the window's completed batches (the WAL's BatchCompleted counts). */
  count: number;
  window: { batches: number; from: number | null; to: number | null };
  /** Newest batch first, at most `limit`. */
  entries: DeadLetterView[];
}

export function deadLetterView(d: DeadLetter): DeadLetterView {
  const raw = d.record ?? (d.bodyBase64 !== undefined ? `base64:${d.bodyBase64}` : d.bodyEncoding === 'base64' ? `base64:${d.body ?? ''}` : d.body ?? '');
  return {
    batchTime: d.batchTime, stage: d.stage, operator: d.operator, error: d.error,
    ...(d.source !== undefined && { source: d.source }),
    ...(d.partition !== undefined && { partition: d.partition }),
    ...(d.sequenceNumber !== undefined && { sequenceNumber: d.sequenceNumber }),
    ...(d.enqueuedTime !== undefined && { enqueuedTime: d.enqueuedTime }),
    preview: raw.slice(0, PREVIEW_CHARS),
    truncated: raw.length > PREVIEW_CHARS,
  };
}

/** One batch's dead letters: lists only that batch's prefix in the dead-letter container. */
export async function batchDeadLetters(handle: StreamHandle, time: number, limit: number): Promise<DeadLetterView[]> {
  const entries = await readDeadLetters(handle.storage.deadLetters, batchPrefix(handle.config.streamName, time));
  return entries.slice(0, limit).map(deadLetterView);
}

/**
 * The newest dead letters and their count over the newest DEAD_LETTER_WINDOW batches. The WAL
 * says which batches dead-lettered anything, so only those batches' blobs are listed and read,
 * newest first, until `limit` entries are found: never a listing of the whole container.
 */
export async function deadLetterReport(handle: StreamHandle, limit: number): Promise<DeadLetterReport> {
  const batches = await new BatchLog(handle.storage.wal, handle.config.streamName).list({ limit: DEAD_LETTER_WINDOW });
  const withDeadLetters = batches.filter((b) => (b.completion?.deadLettered ?? 0) > 0);
  const entries: DeadLetterView[] = [];
  for (const batch of withDeadLetters) {
    if (entries.length >= limit) break;
    entries.push(...(await batchDeadLetters(handle, batch.time, limit - entries.length)));
  }
  return {
    stream: handle.name,
    count: withDeadLetters.reduce((n, b) => n + b.completion!.deadLettered, 0),
    window: { batches: batches.length, from: batches.at(-1)?.time ?? null, to: batches[0]?.time ?? null },
    entries,
  };
}
