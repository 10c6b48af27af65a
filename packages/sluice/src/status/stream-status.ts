import { partitionId } from '../partitions/partition-ref.js';
import type { Clock } from '../util/clock.js';
import { BatchLog } from '../wal/batch-log.js';
import { CheckpointStore, type Checkpoint } from '../wal/checkpoint-store.js';
import { streamPartitionKey } from '../wal/keys.js';
import type { Backlog, BatchRecord } from '../wal/wal-events.js';
import { batchRow, hasCompleted, type BatchRow } from './batch-row.js';
import { driverStateOf } from './driver-state.js';
import { gapsStatus, type GapsStatus } from './gaps.js';
import type { DriverState, RetryingBatch, StreamHandle } from './status-ports.js';

/** Newest batches the header reads: its averages, health and totals come from this one page. */
export const HEADER_WINDOW = 50;
/** Batches the "is it keeping up?" averages cover. */
const RECENT = 10;

export type Health = 'healthy' | 'degraded' | 'failing' | 'stopped' | 'unknown';

export interface StreamStatus {
  name: string;
  state: DriverState['state'];
  reason: string | null;
  since: number | null;
  /** now − since while running; null otherwise. */
  uptimeMs: number | null;
  batchIntervalMs: number;
  blockIntervalMs: number;
  receiverMode: StreamHandle['config']['receiverMode'];
  /** Batches that produced results since the stream first started; see completedBatchesExact. */
  completedBatches: number;
  /** False when skipped batches may hide before the newest HEADER_WINDOW rows (see docs/operations.md). */
  completedBatchesExact: boolean;
  /** Records that went through a completed batch (exact under the same condition); null when none in view completed. */
  recordsProcessed: number | null;
  /** Records the receivers have durably stored (sum of the checkpoints' event counts). */
  recordsReceived: number;
  activeBatches: number;
  latest: BatchRow | null;
  /** Averages over the newest RECENT completed batches. */
  recent: { batches: number; inputRate: number | null; schedulingDelayMs: number | null; processingMs: number | null; totalDelayMs: number | null };
  health: { level: Health; problems: string[] };
  /** Sequence ranges the hub no longer held when a receiver found them skipped; absent when none. */
  gaps?: GapsStatus;
  /** Streams with event time: the newest completed batch's watermark (ms since the epoch) and its batch time minus that watermark. */
  eventTime?: { watermark: number | null; lagMs: number | null } | null;
  /** The driver retrying one batch after failures; null when it is not. */
  retrying?: RetryingBatch | null;
  /** Events stored by receivers but left unallocated by the per-partition bounds, as of the newest batch; null when none. */
  backlog?: Backlog | null;
}

/**
 * The header of the status page. Totals are never counted row by row: the batch schedule is fixed
 * (batch k at zeroTime + k × interval, run in order), so the newest completed batch's index is the
 * number of batches run, less the skipped ones in view; records processed are the checkpoints'
 * event counts less what lies beyond the newest completed batch's per-partition cursor and less
 * the skipped batches in view. Both are exact unless batches were skipped before the newest page. That is
 * one page of batches, one point read and one query for the checkpoint rows, however long the history.
 */
export async function streamStatus(handle: StreamHandle, clock: Clock): Promise<StreamStatus> {
  const stream = handle.config.streamName;
  const interval = handle.config.batchIntervalMs;
  const [driver, batches, checkpoints, meta] = await Promise.all([
    driverStateOf(handle),
    new BatchLog(handle.storage.wal, stream).list({ limit: HEADER_WINDOW }),
    new CheckpointStore(handle.storage.wal, stream).list(),
    handle.storage.wal.get(streamPartitionKey(stream), 'meta'),
  ]);
  const zeroTime = meta ? Number(meta.entity['zeroTime']) : undefined;
  const completed = batches.filter(hasCompleted);
  const newestCompleted = completed[0];
  const recent = completed.slice(0, RECENT).map((b) => batchRow(b, interval));
  const avg = (pick: (b: BatchRow) => number | null): number | null =>
    recent.length === 0 ? null : recent.reduce((n, b) => n + (pick(b) ?? 0), 0) / recent.length;
  const counted = completedCount(batches, newestCompleted, zeroTime, interval);
  const gaps = await gapsStatus(new CheckpointStore(handle.storage.wal, stream), checkpoints);
  const status: Omit<StreamStatus, 'health'> = {
    name: handle.name,
    state: driver.state,
    reason: driver.reason ?? null,
    since: driver.since ?? null,
    uptimeMs: driver.state === 'running' && driver.since !== undefined ? Math.max(0, clock.now() - driver.since) : null,
    batchIntervalMs: interval,
    blockIntervalMs: handle.config.blockIntervalMs,
    receiverMode: handle.config.receiverMode,
    completedBatches: counted.count,
    completedBatchesExact: counted.exact,
    recordsProcessed: recordsProcessed(checkpoints, batches, newestCompleted),
    recordsReceived: checkpoints.reduce((n, c) => n + c.events, 0),
    activeBatches: batches.filter((b) => b.status === 'allocated').length,
    latest: batches[0] ? batchRow(batches[0], interval) : null,
    recent: {
      batches: recent.length,
      inputRate: avg((b) => b.inputRate),
      schedulingDelayMs: avg((b) => b.schedulingDelayMs),
      processingMs: avg((b) => b.processingMs),
      totalDelayMs: avg((b) => b.totalDelayMs),
    },
    ...(gaps && { gaps }),
    retrying: driver.retrying ?? null,
    backlog: batches[0]?.allocation.backlog ?? null,
  };
  return { ...status, health: healthOf(status, batches), ...eventTimeOf(newestCompleted) };
}

/** The event-time header: absent for a stream without event time, as the status contract asks. */
function eventTimeOf(newest: BatchRecord | undefined): Pick<StreamStatus, 'eventTime'> {
  const watermark = newest?.completion?.eventTime?.watermark;
  if (watermark === undefined) return {};
  return { eventTime: { watermark, lagMs: watermark === null ? null : newest!.time - watermark } };
}

function completedCount(batches: BatchRecord[], newest: BatchRecord | undefined, zeroTime: number | undefined, interval: number): { count: number; exact: boolean } {
  const inView = batches.filter(hasCompleted).length;
  if (!newest || zeroTime === undefined) return { count: inView, exact: batches.length < HEADER_WINDOW };
  const skipped = batches.filter((b) => b.time < newest.time && b.status === 'failed').length;
  const index = Math.round((newest.time - zeroTime) / interval);
  // Every batch before the newest completed one finished (the driver runs them in order); the
  // skipped ones among them are failed rows, exact when the whole history is in view.
  return { count: Math.max(inView, index - skipped), exact: batches.length < HEADER_WINDOW };
}

function recordsProcessed(checkpoints: Checkpoint[], batches: BatchRecord[], newest: BatchRecord | undefined): number | null {
  if (!newest) return batches.length < HEADER_WINDOW ? 0 : null;
  const cursor = new Map(newest.allocation.ranges.map((r) => [partitionId(r), r.upTo]));
  const throughNewest = checkpoints.reduce((n, c) => {
    const upTo = cursor.get(partitionId(c));
    const beyond = upTo === undefined ? c.events : Math.max(0, Math.min(c.events, c.lastSeq - upTo));
    return n + c.events - beyond;
  }, 0);
  // Skipped batches' records went through no pipeline; those in view are taken off.
  const skipped = batches.filter((b) => b.time < newest.time && b.status === 'failed').reduce((n, b) => n + b.allocation.records, 0);
  return Math.max(0, throughNewest - skipped);
}

/** The answer to "is my stream healthy, and if not, why?", from facts already read. */
function healthOf(s: Omit<StreamStatus, 'health'>, batches: BatchRecord[]): StreamStatus['health'] {
  const problems: string[] = [];
  const newest = batches[0];
  if (s.state === 'failed') problems.push(`The driver failed${s.reason ? `: ${s.reason}` : ''}.`);
  if (s.retrying) problems.push(retryingText(s.retrying));
  if (s.backlog) problems.push(`A backlog of ${s.backlog.events} events (${s.backlog.bytes} bytes) waits beyond the per-partition batch bounds; batches work it off.`);
  if (newest?.status === 'failed' && !newest.failure?.skipped) problems.push(`Batch ${newest.time} failed and was not skipped: ${newest.failure?.error ?? 'no error recorded'}.`);
  const slow = s.recent.processingMs !== null && s.recent.processingMs > s.batchIntervalMs;
  if (slow) problems.push(`Processing takes longer than the batch interval (average ${Math.round(s.recent.processingMs!)} ms over ${s.recent.batches} batches, interval ${s.batchIntervalMs} ms): batches queue up and delays grow.`);
  const newestDone = batches.find(hasCompleted);
  const late = newestDone ? batchRow(newestDone, s.batchIntervalMs).schedulingDelayMs : null;
  if (late !== null && late > s.batchIntervalMs) problems.push(`The newest completed batch started ${late} ms after its batch time: the stream is behind.`);
  const skipped = batches.filter((b) => b.status === 'failed' && b.failure?.skipped).length;
  if (skipped > 0) problems.push(`${skipped} of the newest ${batches.length} batches failed and were skipped; their blocks are kept for a replay.`);
  const deadLettered = batches.reduce((n, b) => n + (b.completion?.deadLettered ?? 0), 0);
  if (deadLettered > 0) problems.push(`${deadLettered} ${deadLettered === 1 ? 'record was' : 'records were'} dead-lettered in the newest ${batches.length} batches: see Dead letters.`);
  if (s.gaps) problems.push(`${s.gaps.latest.reduce((n, g) => n + g.count, 0)} events were lost in the newest ${s.gaps.latest.length} of ${s.gaps.total} gaps: the trigger skipped them and the hub no longer held them.`);
  let level: Health;
  if (s.state === 'failed' || (newest?.status === 'failed' && !newest.failure?.skipped)) level = 'failing';
  else if (s.state === 'stopped') level = 'stopped';
  else if (problems.length > 0) level = 'degraded';
  else if (s.state === 'unknown') level = 'unknown';
  else level = 'healthy';
  if (s.state === 'stopped') problems.unshift(`The driver is stopped${s.reason ? `: ${s.reason}` : ''}; no new batches run.`);
  return { level, problems };
}

/** "retrying batch T: attempt n, next at …, last error …", the words the page and the API show. */
export function retryingText(r: RetryingBatch): string {
  return `Retrying batch ${r.batchTime}: attempt ${r.attempt} failed, next at ${new Date(r.nextAt).toISOString()}, last error: ${r.lastError}`;
}
