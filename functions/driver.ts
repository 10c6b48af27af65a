import df from 'durable-functions';
import type { OrchestrationContext, OrchestrationHandler } from 'durable-functions';
import { appContext } from '../src/app/app-context.js';
import type { AllocationRef, DriverInput } from '../src/app/driver-activities.js';
import type { BatchSummary } from '../src/scheduler/stream-engine.js';

export const DRIVER = 'sluiceDriver';
export const ACTIVITY = {
  nextBatchTime: 'sluiceNextBatchTime',
  allocate: 'sluiceAllocate',
  task: 'sluiceTask',
  commit: 'sluiceCommit',
  fail: 'sluiceFail',
  cleanup: 'sluiceCleanup',
} as const;

const CLEANUP_EVERY = 10;

/**
 * The driver (Spark's JobGenerator), one per stream with the fixed instance id sluice-<stream>.
 * Each execution runs one batch: wait on a durable timer until the batch time (from the fixed
 * schedule, so it never drifts and catches up in order), allocate, fan the tasks out, commit,
 * then continue as new with the next batch time. Only times, counts and summaries cross it.
 */
const driver: OrchestrationHandler = function* (context: OrchestrationContext) {
  const input = (context.df.getInput() ?? {}) as DriverInput;
  const { config } = appContext();
  const startedAt = input.startedAt ?? context.df.currentUtcDateTime.getTime();
  const retry = new df.RetryOptions(1000, config.activityRetries + 1);
  retry.backoffCoefficient = 2;
  const time: number = input.nextBatchTime ?? (yield context.df.callActivityWithRetry(ACTIVITY.nextBatchTime, retry, {}));
  if (context.df.currentUtcDateTime.getTime() < time) yield context.df.createTimer(new Date(time));
  let summary: BatchSummary;
  try {
    const allocation: AllocationRef = yield context.df.callActivityWithRetry(ACTIVITY.allocate, retry, { time });
    const tasks = Array.from({ length: allocation.tasks }, (_, task) => context.df.callActivityWithRetry(ACTIVITY.task, retry, { time, task }));
    if (tasks.length > 0) yield context.df.Task.all(tasks);
    summary = yield context.df.callActivityWithRetry(ACTIVITY.commit, retry, { time });
  } catch (err) {
    const { goOn }: { goOn: boolean } = yield context.df.callActivity(ACTIVITY.fail, { time, error: String(err instanceof Error ? err.message : err) });
    if (!goOn) return { stoppedAt: time, reason: 'a batch failed after its retries (SLUICE_ON_BATCH_FAILURE=stop)' };
    context.df.continueAsNew({ nextBatchTime: time + config.batchIntervalMs, batches: (input.batches ?? 0) + 1, startedAt } satisfies DriverInput);
    return undefined;
  }
  context.df.setCustomStatus({ ...summary, startedAt });
  const batches = (input.batches ?? 0) + 1;
  if (batches % CLEANUP_EVERY === 0) yield context.df.callActivity(ACTIVITY.cleanup, {});
  context.df.continueAsNew({ nextBatchTime: time + config.batchIntervalMs, batches, startedAt } satisfies DriverInput);
  return undefined;
};

df.app.orchestration(DRIVER, driver);
