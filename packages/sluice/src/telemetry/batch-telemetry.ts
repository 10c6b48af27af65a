import type { BatchSummary } from '../scheduler/batch-summary.js';
import type { BatchAllocated } from '../wal/wal-events.js';

/** A retry the driver schedules for a failing batch. */
export interface BatchRetry {
  readonly batchTime: number;
  readonly attempt: number;
  readonly transient: boolean;
  readonly delayMs: number;
  readonly nextAt: number;
  readonly since: number;
  readonly error: string;
}

/** A batch that counted as failed after its retries. */
export interface BatchGaveUp {
  readonly batchTime: number;
  readonly attempts: number;
  readonly skipped: boolean;
  readonly error: string;
}

/** Events a receiver found skipped that the hub no longer held (recorded as GapDetected). */
export interface EventsLost {
  /** The stream's source the receiver reads (its name in the pipeline; "default" for a one-hub stream) and its hub. */
  readonly source: string;
  readonly eventHubName: string;
  readonly partition: string;
  readonly count: number;
}

/**
 * The engine's telemetry port: what an operator queries per batch in Application Insights.
 * The OpenTelemetry adapter (otel-batch-telemetry.ts) implements it; the engine never sees OTel.
 */
export interface BatchTelemetry {
  batchCompleted(summary: BatchSummary, allocation: BatchAllocated): void;
  batchRetry(retry: BatchRetry): void;
  batchGaveUp(failure: BatchGaveUp): void;
  /** Loss is never silent: the receiver reports what retention took before it could be read back. */
  eventsLost(lost: EventsLost): void;
}
