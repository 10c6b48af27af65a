import { classified, type ClassifiedFailure } from '../scheduler/failure-class.js';
import { messageOf } from '../scheduler/dead-letter.js';
import type { RetryState } from '../scheduler/batch-policy.js';
import type { BatchSummary } from '../scheduler/stream-engine.js';
import type { TaskSummary } from '../wal/wal-events.js';
import type { StreamContext } from './stream-context.js';

/** What the orchestrator carries from batch to batch: references and counters only. */
export interface DriverInput {
  readonly nextBatchTime?: number;
  /** Batches run since the driver (re)started, to pace cleanup. */
  readonly batches?: number;
  /** When this driver started (ms), carried through continueAsNew: the status page's uptime. */
  readonly startedAt?: number;
  /** Set while nextBatchTime keeps failing: the next attempt of it. */
  readonly retry?: RetryState;
}

export interface AllocationRef {
  readonly time: number;
  readonly tasks: number;
  readonly records: number;
}

/**
 * What an activity returns. A failure travels as a value, classified where the error object still
 * exists: a thrown error reaches the orchestrator only as the text `${Reason} \n ${Details}` of its
 * TaskFailed event (durable-functions, src/orchestrations/TaskOrchestrationExecutor.ts, the
 * TaskFailed branch), losing its status code, code and class, so transient and permanent could not
 * be told apart reliably there.
 */
export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly failure: ClassifiedFailure };

async function outcome<T>(step: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await step() };
  } catch (err) {
    return { ok: false, failure: classified(err) };
  }
}

/** The bodies of the driver's activities: each is one engine step, idempotent per batch time. */
export const driverActivities = {
  nextBatchTime: (app: StreamContext): Promise<Outcome<number>> => outcome(() => app.engine.nextBatchTime()),

  allocate: (app: StreamContext, time: number): Promise<Outcome<AllocationRef>> => outcome(async () => {
    const allocation = await app.engine.allocateBatch(time);
    return { time, tasks: app.engine.planTasks(allocation).length, records: allocation.records };
  }),

  runTask: (app: StreamContext, time: number, task: number): Promise<Outcome<TaskSummary>> => outcome(() => app.engine.runTask(time, task)),

  commit: (app: StreamContext, time: number, attempts: number): Promise<Outcome<BatchSummary>> => outcome(() => app.engine.commitBatch(time, attempts)),

  /** Records the failure; returns whether the driver goes on (skip) or stops. */
  async fail(app: StreamContext, time: number, error: string, attempts: number): Promise<{ goOn: boolean }> {
    const skip = app.config.onBatchFailure === 'skip';
    app.log.error(skip ? 'batch failed after retries; skipping it, its blocks stay for a replay' : 'batch failed after retries; the driver stops, its blocks stay for a replay', { time, attempts, error });
    app.telemetry.batchGaveUp({ batchTime: time, attempts, skipped: skip, error });
    await app.engine.failBatch(time, error, skip, attempts);
    return { goOn: skip };
  },

  async cleanup(app: StreamContext): Promise<void> {
    try {
      const result = await app.engine.cleanUp();
      if (result.batchesCleaned || result.walRecordsDeleted) app.log.info('cleanup', { ...result });
    } catch (err) {
      app.log.warn('cleanup failed; it runs again later', { error: messageOf(err) }); // never fails a batch
    }
  },
};
