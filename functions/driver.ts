import df from 'durable-functions';
import type { OrchestrationContext, OrchestrationHandler, Task } from 'durable-functions';
import { appContext } from '#sluice/app/app-context.js';
import { batchPolicyOf } from '#sluice/app/batch-policy-settings.js';
import type { AllocationRef, DriverInput, Outcome } from '#sluice/app/driver-activities.js';
import { retryingView } from '#sluice/app/driver-state.js';
import { backoffMs, cleanupDue, decideAfterFailure } from '#sluice/scheduler/batch-policy.js';
import type { ClassifiedFailure } from '#sluice/scheduler/failure-class.js';
import type { BatchSummary } from '#sluice/scheduler/stream-engine.js';
import type { TaskSummary } from '#sluice/wal/wal-events.js';

export const DRIVER = 'sluiceDriver';
export const ACTIVITY = {
  nextBatchTime: 'sluiceNextBatchTime',
  allocate: 'sluiceAllocate',
  task: 'sluiceTask',
  commit: 'sluiceCommit',
  fail: 'sluiceFail',
  cleanup: 'sluiceCleanup',
} as const;

/**
 * The driver (Spark's JobGenerator), one per stream with the fixed instance id sluice-<stream>.
 * Each execution makes one attempt at one batch: wait on a durable timer until the batch time
 * (from the fixed schedule, so it never drifts and catches up in order) or the retry's due time,
 * allocate, fan the tasks out, commit, then continue as new with the next batch time, or with the
 * same batch and its retry state when the attempt failed (the policy in
 * src/scheduler/batch-policy.ts decides). One attempt per execution keeps the history bounded
 * however long an outage lasts. Only times, counts and summaries cross it.
 */
const driver: OrchestrationHandler = function* (context: OrchestrationContext) {
  const input = (context.df.getInput() ?? {}) as DriverInput;
  const app = appContext();
  const policy = batchPolicyOf(app.config);
  const now = (): number => context.df.currentUtcDateTime.getTime();
  const startedAt = input.startedAt ?? now();
  const batches = input.batches ?? 0;

  let time = input.nextBatchTime;
  if (time === undefined) {
    // Storage can be down when the driver starts: wait and ask again, never give up.
    if (input.retry) yield context.df.createTimer(new Date(input.retry.nextAt));
    const next: Outcome<number> = yield context.df.callActivity(ACTIVITY.nextBatchTime, {});
    if (!next.ok) {
      const attempt = (input.retry?.attempt ?? 0) + 1;
      const delayMs = backoffMs(policy, attempt);
      if (!context.df.isReplaying) app.log.warn('reading the next batch time failed; retrying', { attempt, delayMs, transient: next.failure.transient, error: next.failure.error });
      context.df.continueAsNew({
        batches, startedAt,
        retry: { batchTime: -1, attempt, permanentFailures: 0, since: input.retry?.since ?? now(), nextAt: now() + delayMs, lastError: next.failure.error, lastTransient: next.failure.transient },
      } satisfies DriverInput);
      return undefined;
    }
    time = next.value;
  }

  const retry = input.retry?.batchTime === time ? input.retry : undefined;
  context.df.setCustomStatus({ startedAt, ...(retry && { retrying: retryingView(retry) }) });
  const due = Math.max(time, retry?.nextAt ?? time);
  if (now() < due) yield context.df.createTimer(new Date(due));

  const attempts = (retry?.attempt ?? 0) + 1;
  const result: Outcome<BatchSummary> = yield* attempt(context, time, attempts);
  if (result.ok) {
    context.df.setCustomStatus({ ...result.value, startedAt });
    if (cleanupDue(policy, batches + 1)) yield context.df.callActivity(ACTIVITY.cleanup, {});
    context.df.continueAsNew({ nextBatchTime: time + app.config.batchIntervalMs, batches: batches + 1, startedAt } satisfies DriverInput);
    return undefined;
  }

  const decision = decideAfterFailure(policy, retry, time, result.failure, now());
  if (decision.kind === 'retry') {
    const s = decision.state;
    if (!context.df.isReplaying) {
      app.log.warn(`retrying batch ${time}: attempt ${s.attempt} failed (${s.lastTransient ? 'transient' : 'permanent'}), next at ${new Date(s.nextAt).toISOString()}`, {
        time, attempt: s.attempt, permanentFailures: s.permanentFailures, permanentRetries: policy.permanentRetries, since: s.since, delayMs: decision.delayMs, nextAt: s.nextAt, transient: s.lastTransient, error: s.lastError,
      });
      app.telemetry.batchRetry({ batchTime: time, attempt: s.attempt, transient: s.lastTransient, delayMs: decision.delayMs, nextAt: s.nextAt, since: s.since, error: s.lastError });
    }
    context.df.continueAsNew({ nextBatchTime: time, batches, startedAt, retry: s } satisfies DriverInput);
    return undefined;
  }
  const { goOn }: { goOn: boolean } = yield context.df.callActivity(ACTIVITY.fail, { time, error: decision.reason, attempts: decision.attempts });
  if (!goOn) return { stoppedAt: time, reason: 'a batch failed after its retries (SLUICE_ON_BATCH_FAILURE=stop)' };
  context.df.continueAsNew({ nextBatchTime: time + app.config.batchIntervalMs, batches: batches + 1, startedAt } satisfies DriverInput);
  return undefined;
};

/** One attempt at batch `time`: allocate, every task, commit. Stops at the first failed step. */
function* attempt(context: OrchestrationContext, time: number, attempts: number): Generator<Task, Outcome<BatchSummary>, unknown> {
  try {
    const allocation = (yield context.df.callActivity(ACTIVITY.allocate, { time })) as Outcome<AllocationRef>;
    if (!allocation.ok) return allocation;
    const tasks = Array.from({ length: allocation.value.tasks }, (_, task) => context.df.callActivity(ACTIVITY.task, { time, task }));
    if (tasks.length > 0) {
      const failures = ((yield context.df.Task.all(tasks)) as Outcome<TaskSummary>[]).flatMap((o) => (o.ok ? [] : [o.failure]));
      if (failures.length > 0) return { ok: false, failure: worst(failures) };
    }
    return (yield context.df.callActivity(ACTIVITY.commit, { time, attempts })) as Outcome<BatchSummary>;
  } catch (err) {
    // A failure the activity did not return (the host failed it: a timeout, a lost worker's
    // exception) arrives as text only, so it counts as permanent: retried SLUICE_ACTIVITY_RETRIES times.
    return { ok: false, failure: { transient: false, error: err instanceof Error ? err.message : String(err) } };
  }
}

/** Several tasks failed: a permanent failure among them makes the attempt permanent. */
const worst = (failures: readonly ClassifiedFailure[]): ClassifiedFailure => failures.find((f) => !f.transient) ?? failures[0]!;

df.app.orchestration(DRIVER, driver);
