/**
 * The JSON the page reads, as the page sees it: the fields it renders, nothing more. The server's
 * own types (src/status/*.ts) are checked against these at build time (test/status/page-api-types.ts),
 * so a renamed or retyped field fails the build instead of rendering "undefined".
 */
export type DriverStateName = 'running' | 'stopped' | 'failed' | 'unknown';
export type BatchStatusName = 'allocated' | 'completed' | 'failed' | 'cleaned';
export type HealthLevel = 'healthy' | 'degraded' | 'failing' | 'stopped' | 'unknown';

export interface BatchRowView {
  time: number;
  status: BatchStatusName;
  records: number;
  bytes: number;
  inputRate: number;
  tasks: number | null;
  schedulingDelayMs: number | null;
  processingMs: number | null;
  totalDelayMs: number | null;
  deadLettered: number | null;
  error?: string;
  skipped?: boolean;
  /** Runs the batch took (more than one after transient failures). */
  attempts?: number;
  /** Records behind the event-time watermark when the batch ran. */
  lateRecords?: number;
  /** Records dropped as duplicates of ones already seen. */
  droppedDuplicates?: number;
}

/** The driver retrying one batch after transient failures. */
export interface RetryingView {
  batchTime: number;
  attempt: number;
  nextAt: number;
  lastError: string;
  since: number;
}

/** A sequence range the hub no longer held when a receiver asked for it: lost data. */
export interface GapView {
  source: string;
  partition: string;
  from: number;
  to: number;
  count: number;
  detectedAt: number;
}

export interface StreamStatusView {
  name: string;
  state: DriverStateName;
  reason: string | null;
  since: number | null;
  uptimeMs: number | null;
  batchIntervalMs: number;
  blockIntervalMs: number;
  receiverMode: 'reliable' | 'unreliable';
  completedBatches: number;
  completedBatchesExact: boolean;
  recordsProcessed: number | null;
  recordsReceived: number;
  activeBatches: number;
  health: { level: HealthLevel; problems: string[] };
  /** Each optional: absent (or null) when the feature has nothing to say. */
  retrying?: RetryingView | null;
  backlog?: { events: number; bytes: number } | null;
  gaps?: { total: number; latest: GapView[] };
  eventTime?: { watermark: number | null; lagMs: number | null } | null;
}

export interface BatchPageView {
  batchIntervalMs: number;
  batches: BatchRowView[];
  paging: { next: number | null };
}

export interface ReceiverView {
  source: string;
  partition: string;
  owner: string;
  lastSeq: number;
  lastEnqueuedTime: number | null;
  lastBlockAt: number | null;
  events: number;
  redeliveries: number;
  eventsPerSec: number | null;
  pending: number;
  lastEnqueued: number | null;
  lag: number | null;
}

export interface ReceiverReportView {
  rateWindow: { batches: number };
  receivers: ReceiverView[];
}

export interface DeadLetterEntryView {
  batchTime: number;
  stage: string;
  operator: string;
  error: string;
  source?: string;
  partition?: string;
  sequenceNumber?: number;
  preview: string;
  truncated: boolean;
}

export interface DeadLetterReportView {
  count: number;
  window: { batches: number };
  entries: DeadLetterEntryView[];
}

export interface PartitionRangeView {
  source: string;
  partition: string;
  after: number;
  first: number | null;
  last: number | null;
  records: number;
  blocks: number;
  bytes: number;
}

export interface TaskView {
  task: number;
  blocks: number;
  recordsIn: number;
  recordsOut: number;
  deadLettered: number;
  bytes: number;
  durationMs: number;
}

export interface BatchDetailView {
  batch: BatchRowView;
  allocatedAt: number;
  startedAt: number | null;
  completedAt: number | null;
  failedAt: number | null;
  ranges: PartitionRangeView[];
  tasks: TaskView[];
  outputs: string[];
  deadLetters: DeadLetterEntryView[];
}

export interface StreamIndexEntryView {
  name: string;
  state: DriverStateName;
  reason: string | null;
  batchIntervalMs: number;
  latestBatch: { time: number; status: BatchStatusName } | null;
  links: { ui: string };
}

export interface StreamIndexView {
  streams: StreamIndexEntryView[];
}
