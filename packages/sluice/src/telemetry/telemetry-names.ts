/**
 * The names Sluice's telemetry uses in Application Insights. The alert queries
 * (infra/app/alerts/*.kql, shown in docs/operations.md) filter on these, so they change together.
 */
export const METER = 'sluice';

export const METRIC = {
  records: 'sluice.batch.records',
  processingTime: 'sluice.batch.processing_time',
  schedulingDelay: 'sluice.batch.scheduling_delay',
  totalDelay: 'sluice.batch.total_delay',
  deadLetters: 'sluice.batch.dead_letters',
  retries: 'sluice.batch.retries',
  partitionLag: 'sluice.partition.lag',
  lostEvents: 'sluice.partition.lost_events',
} as const;

/** customDimensions keys of the per-batch log records (the traces table). */
export const ATTR = {
  event: 'sluice.event',
  stream: 'sluice.stream',
  batchTime: 'sluice.batch.time',
  intervalMs: 'sluice.batch.interval_ms',
  records: 'sluice.batch.records',
  processingMs: 'sluice.batch.processing_ms',
  schedulingDelayMs: 'sluice.batch.scheduling_delay_ms',
  totalDelayMs: 'sluice.batch.total_delay_ms',
  deadLetters: 'sluice.batch.dead_letters',
  attempts: 'sluice.batch.attempts',
  retries: 'sluice.batch.retries',
  lagEvents: 'sluice.lag.events',
  lagBytes: 'sluice.lag.bytes',
  partition: 'sluice.partition',
  source: 'sluice.source',
  eventHub: 'sluice.eventhub',
  attempt: 'sluice.retry.attempt',
  transient: 'sluice.retry.transient',
  delayMs: 'sluice.retry.delay_ms',
  nextAt: 'sluice.retry.next_at',
  since: 'sluice.retry.since',
  error: 'sluice.error',
  skipped: 'sluice.batch.skipped',
  lostEvents: 'sluice.lost.events',
} as const;

/** Values of ATTR.event. */
export const EVENT = {
  completed: 'batch.completed',
  retry: 'batch.retry',
  failed: 'batch.failed',
  lost: 'events.lost',
} as const;
