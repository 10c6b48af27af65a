import df from 'durable-functions';
import type { OrchestrationContext, OrchestrationHandler, Task } from 'durable-functions';
import { backoffMs, cleanupDue, decideAfterFailure } from '../scheduler/batch-policy.js';
import type { ClassifiedFailure } from '../scheduler/failure-class.js';
import type { BatchSummary } from '../scheduler/stream-engine.js';
import type { TaskSummary } from '../wal/wal-events.js';
import { batchPolicyOf } from './batch-policy-settings.js';
import { driverActivities, type AllocationRef, type DriverInput, type Outcome } from './driver-activities.js';
import { retryingView } from './driver-state.js';
import type { StreamFunctionNames } from './function-names.js';
import type { StreamRuntime } from './stream-runtime.js';

type ActivityNames = StreamFunctionNames['activities'];
interface BatchInput { time: number; task?: number; error?: string; attempts?: number }

/**
 * The driver (Spark's JobGenerator) of one stream, with the fixed instance id sluice-<stream>.
 * Each execution makes one attempt at one batch: wait on a durable timer until the batch time
 * (from the fixed schedule, so it never drifts and catches up in order) or the retry's due time,
 * allocate, fan the tasks out, commit, then continue as new with the next batch time, or with the
 * same batch and its retry state when the attempt failed (the policy in
 * src/scheduler/batch-policy.ts decides). One attempt per execution keeps the history bounded
 * however long an outage lasts. Only times, counts and summaries cross it.
 */
const driverOf = (stream: StreamRuntime): OrchestrationHandler => function* (context: OrchestrationContext) {
  const activity = stream.functions.activities;
  const input = (context.df.getInput() ?? {}) as DriverInput;
  const app = stream.context();
  const policy = batchPolicyOf(app.config);
  const now = (): number => context.df.currentUtcDateTime.getTime();
  const startedAt = input.startedAt ?? now();
  const batches = input.batches ?? 0;

  let time = input.nextBatchTime;
  if (time === undefined) {
    // Storage can be down when the driver starts: wait and ask again, never give up.
    if (input.retry) yield context.df.createTimer(new Date(input.retry.nextAt));
    const next: Outcome<number> = yield context.df.callActivity(activity.nextBatchTime, {});
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
  const result: Outcome<BatchSummary> = yield* attempt(context, activity, time, attempts);
  if (result.ok) {
    context.df.setCustomStatus({ ...result.value, startedAt });
    if (cleanupDue(policy, batches + 1)) yield context.df.callActivity(activity.cleanup, {});
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
  const { goOn }: { goOn: boolean } = yield context.df.callActivity(activity.fail, { time, error: decision.reason, attempts: decision.attempts });
  if (!goOn) return { stoppedAt: time, reason: 'a batch failed after its retries (SLUICE_ON_BATCH_FAILURE=stop)' };
  context.df.continueAsNew({ nextBatchTime: time + app.config.batchIntervalMs, batches: batches + 1, startedAt } satisfies DriverInput);
  return undefined;
};

/** One attempt at batch `time`: allocate, every task, commit. Stops at the first failed step. */
function* attempt(context: OrchestrationContext, activity: ActivityNames, time: number, attempts: number): Generator<Task, Outcome<BatchSummary>, unknown> {
  try {
    const allocation = (yield context.df.callActivity(activity.allocate, { time })) as Outcome<AllocationRef>;
    if (!allocation.ok) return allocation;
    const tasks = Array.from({ length: allocation.value.tasks }, (_, task) => context.df.callActivity(activity.task, { time, task }));
    if (tasks.length > 0) {
      const failures = ((yield context.df.Task.all(tasks)) as Outcome<TaskSummary>[]).flatMap((o) => (o.ok ? [] : [o.failure]));
      if (failures.length > 0) return { ok: false, failure: worst(failures) };
    }
    return (yield context.df.callActivity(activity.commit, { time, attempts })) as Outcome<BatchSummary>;
  } catch (err) {
    // A failure the activity did not return (the host failed it: a timeout, a lost worker's
    // exception) arrives as text only, so it counts as permanent: retried SLUICE_ACTIVITY_RETRIES times.
    return { ok: false, failure: { transient: false, error: err instanceof Error ? err.message : String(err) } };
  }
}

/** Several tasks failed: a permanent failure among them makes the attempt permanent. */
const worst = (failures: readonly ClassifiedFailure[]): ClassifiedFailure => failures.find((f) => !f.transient) ?? failures[0]!;

/** Registers a stream's driver orchestration and its activities, each one engine step on the stream's context. */
export function registerDriver(stream: StreamRuntime): void {
  const names = stream.functions;
  const a = names.activities;
  df.app.orchestration(names.driver, driverOf(stream));
  df.app.activity(a.nextBatchTime, { handler: () => driverActivities.nextBatchTime(stream.context()) });
  df.app.activity(a.allocate, { handler: (input: BatchInput) => driverActivities.allocate(stream.context(), input.time) });
  df.app.activity(a.task, { handler: (input: BatchInput) => driverActivities.runTask(stream.context(), input.time, input.task ?? 0) });
  df.app.activity(a.commit, { handler: (input: BatchInput) => driverActivities.commit(stream.context(), input.time, input.attempts ?? 1) });
  df.app.activity(a.fail, { handler: (input: BatchInput) => driverActivities.fail(stream.context(), input.time, input.error ?? 'unknown error', input.attempts ?? 1) });
  df.app.activity(a.cleanup, { handler: () => driverActivities.cleanup(stream.context()) });
}
