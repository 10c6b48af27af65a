import { messageOf } from '../scheduler/dead-letter.js';
import type { BatchSummary } from '../scheduler/stream-engine.js';
import type { TaskSummary } from '../wal/wal-events.js';
import type { AppContext } from './app-context.js';

/** What the orchestrator carries from batch to batch: references and counters only. */
export interface DriverInput {
  readonly nextBatchTime?: number;
  /** Batches run since the driver (re)started, to pace cleanup. */
  readonly batches?: number;
  /** When this driver started (ms), carried through continueAsNew: the status page's uptime. */
  readonly startedAt?: number;
}

export interface AllocationRef {
  readonly time: number;
  readonly tasks: number;
  readonly records: number;
}

/** The bodies of the driver's activities: each is one engine step, idempotent per batch time. */
export const driverActivities = {
  nextBatchTime: (app: AppContext): Promise<number> => app.engine.nextBatchTime(),

  async allocate(app: AppContext, time: number): Promise<AllocationRef> {
    const allocation = await app.engine.allocateBatch(time);
    return { time, tasks: app.engine.planTasks(allocation).length, records: allocation.records };
  },

  runTask: (app: AppContext, time: number, task: number): Promise<TaskSummary> => app.engine.runTask(time, task),

  commit: (app: AppContext, time: number): Promise<BatchSummary> => app.engine.commitBatch(time),

  /** Records the failure; returns whether the driver goes on (skip) or stops. */
  async fail(app: AppContext, time: number, error: string): Promise<{ goOn: boolean }> {
    const skip = app.config.onBatchFailure === 'skip';
    app.log.error(skip ? 'batch failed after retries; skipping it, its blocks stay for a replay' : 'batch failed after retries; the driver stops, its blocks stay for a replay', { time, error });
    await app.engine.failBatch(time, error, skip);
    return { goOn: skip };
  },

  async cleanup(app: AppContext): Promise<void> {
    try {
      const result = await app.engine.cleanUp();
      if (result.batchesCleaned || result.walRecordsDeleted) app.log.info('cleanup', { ...result });
    } catch (err) {
      app.log.warn('cleanup failed; it runs again later', { error: messageOf(err) }); // never fails a batch
    }
  },
};
