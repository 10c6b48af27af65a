import { metrics, type Meter, type MeterProvider } from '@opentelemetry/api';
import { logs, SeverityNumber, type Logger, type LoggerProvider } from '@opentelemetry/api-logs';
import { partitionId } from '../partitions/partition-ref.js';
import type { BatchSummary } from '../scheduler/batch-summary.js';
import type { BatchAllocated } from '../wal/wal-events.js';
import type { BatchGaveUp, BatchRetry, BatchTelemetry, EventsLost } from './batch-telemetry.js';
import { ATTR, EVENT, METER, METRIC } from './telemetry-names.js';

export interface OtelProviders {
  /** Defaults to the global providers: no-ops until an SDK (Azure Monitor) registers. */
  readonly meterProvider?: MeterProvider;
  readonly loggerProvider?: LoggerProvider;
}

/**
 * Per-batch telemetry through the OpenTelemetry API: metrics for charts (customMetrics in
 * Application Insights) and one log record per batch, retry and failure (traces, with the figures
 * in customDimensions), which the alert queries read batch by batch. Metric aggregation would
 * blur "five batches in a row"; the log record keeps each batch.
 */
export class OtelBatchTelemetry implements BatchTelemetry {
  private bound: { meterProvider: MeterProvider; loggerProvider: LoggerProvider; logger: Logger; instruments: Instruments } | undefined;

  constructor(private readonly stream: string, private readonly batchIntervalMs: number, private readonly providers: OtelProviders = {}) {}

  /**
   * The instruments of the current providers. The metrics API has no proxy provider: instruments
   * made before the Azure Monitor distro registers (it loads asynchronously) would stay no-ops, so
   * they are made again when the global provider changes.
   */
  private get otel(): { logger: Logger; instruments: Instruments } {
    const meterProvider = this.providers.meterProvider ?? metrics.getMeterProvider();
    const loggerProvider = this.providers.loggerProvider ?? logs.getLoggerProvider();
    if (this.bound?.meterProvider !== meterProvider || this.bound.loggerProvider !== loggerProvider) {
      this.bound = { meterProvider, loggerProvider, logger: loggerProvider.getLogger(METER), instruments: instrumentsOf(meterProvider.getMeter(METER)) };
    }
    return this.bound;
  }

  batchCompleted(summary: BatchSummary, allocation: BatchAllocated): void {
    const base = { [ATTR.stream]: this.stream };
    const { instruments: i, logger } = this.otel;
    i.records.add(summary.records, base);
    i.processing.record(summary.processingMs, base);
    i.scheduling.record(summary.schedulingDelayMs, base);
    i.total.record(summary.totalDelayMs, base);
    i.deadLetters.add(summary.deadLettered, base);
    for (const r of allocation.ranges) i.lag.record(r.backlog?.events ?? 0, { ...base, [ATTR.partition]: partitionId(r) });
    const attempts = summary.attempts ?? 1;
    logger.emit({
      severityNumber: SeverityNumber.INFO, severityText: 'INFO',
      body: `batch ${summary.time} of ${this.stream}: ${summary.records} records in ${summary.processingMs} ms, scheduling delay ${summary.schedulingDelayMs} ms`,
      attributes: {
        ...base, [ATTR.event]: EVENT.completed, [ATTR.batchTime]: summary.time, [ATTR.intervalMs]: this.batchIntervalMs,
        [ATTR.records]: summary.records, [ATTR.processingMs]: summary.processingMs, [ATTR.schedulingDelayMs]: summary.schedulingDelayMs,
        [ATTR.totalDelayMs]: summary.totalDelayMs, [ATTR.deadLetters]: summary.deadLettered, [ATTR.attempts]: attempts, [ATTR.retries]: attempts - 1,
        [ATTR.lagEvents]: allocation.backlog?.events ?? 0, [ATTR.lagBytes]: allocation.backlog?.bytes ?? 0,
      },
    });
  }

  batchRetry(retry: BatchRetry): void {
    const base = { [ATTR.stream]: this.stream };
    const { instruments, logger } = this.otel;
    instruments.retries.add(1, { ...base, [ATTR.transient]: retry.transient });
    logger.emit({
      severityNumber: SeverityNumber.WARN, severityText: 'WARN',
      body: `retrying batch ${retry.batchTime} of ${this.stream}: attempt ${retry.attempt} failed (${retry.transient ? 'transient' : 'permanent'}), next at ${new Date(retry.nextAt).toISOString()}: ${retry.error}`,
      attributes: {
        ...base, [ATTR.event]: EVENT.retry, [ATTR.batchTime]: retry.batchTime, [ATTR.attempt]: retry.attempt, [ATTR.transient]: retry.transient,
        [ATTR.delayMs]: retry.delayMs, [ATTR.nextAt]: retry.nextAt, [ATTR.since]: retry.since, [ATTR.error]: retry.error,
      },
    });
  }

  batchGaveUp(failure: BatchGaveUp): void {
    this.otel.logger.emit({
      severityNumber: SeverityNumber.ERROR, severityText: 'ERROR',
      body: `batch ${failure.batchTime} of ${this.stream} failed after ${failure.attempts} attempts${failure.skipped ? ' and was skipped' : '; the driver stops'}: ${failure.error}`,
      attributes: {
        [ATTR.stream]: this.stream, [ATTR.event]: EVENT.failed, [ATTR.batchTime]: failure.batchTime, [ATTR.attempts]: failure.attempts,
        [ATTR.skipped]: failure.skipped, [ATTR.error]: failure.error,
      },
    });
  }

  eventsLost(lost: EventsLost): void {
    const attributes = { [ATTR.stream]: this.stream, [ATTR.source]: lost.source, [ATTR.eventHub]: lost.eventHubName, [ATTR.partition]: lost.partition };
    const { instruments, logger } = this.otel;
    instruments.lost.add(lost.count, attributes);
    logger.emit({
      severityNumber: SeverityNumber.ERROR, severityText: 'ERROR',
      body: `${lost.count} events of ${this.stream} (hub ${lost.eventHubName}) partition ${lost.partition} were lost: the trigger skipped them and the hub no longer held them`,
      attributes: { ...attributes, [ATTR.event]: EVENT.lost, [ATTR.lostEvents]: lost.count },
    });
  }
}

type Instruments = ReturnType<typeof instrumentsOf>;

function instrumentsOf(meter: Meter) {
  return {
    records: meter.createCounter(METRIC.records, { description: 'Records processed by completed batches', unit: '{record}' }),
    processing: meter.createHistogram(METRIC.processingTime, { description: 'Batch processing time: first task start to commit', unit: 'ms' }),
    scheduling: meter.createHistogram(METRIC.schedulingDelay, { description: 'Batch scheduling delay: batch time to first task start', unit: 'ms' }),
    total: meter.createHistogram(METRIC.totalDelay, { description: 'Batch total delay: batch time to commit', unit: 'ms' }),
    deadLetters: meter.createCounter(METRIC.deadLetters, { description: 'Records dead-lettered by completed batches', unit: '{record}' }),
    retries: meter.createCounter(METRIC.retries, { description: 'Retries the driver scheduled for failing batches', unit: '{retry}' }),
    lost: meter.createCounter(METRIC.lostEvents, { description: 'Events skipped by the trigger that the hub no longer held (GapDetected)', unit: '{event}' }),
    lag: meter.createGauge(METRIC.partitionLag, { description: 'Events stored but not yet in a batch, per partition, at the newest allocation', unit: '{event}' }),
  };
}
