import type { ClassifiedFailure } from './failure-class.js';

/**
 * The batch driver's policy, one pure module for both drivers (the Durable orchestrator in
 * functions/driver.ts and the in-process DriverLoop): how often a failed batch is retried, how
 * long it waits between attempts, when it counts as permanently failed, and when cleanup runs.
 * The drivers only carry its state from attempt to attempt and wait where it says.
 */
export interface BatchPolicySettings {
  /** Retries of a batch that fails permanently before SLUICE_ON_BATCH_FAILURE applies. */
  readonly permanentRetries: number;
  /** The first retry's delay; each further retry doubles it, up to maxDelayMs. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** How long a batch may keep failing transiently before it counts as failed; Infinity: no bound. */
  readonly transientLimitMs: number;
  readonly onBatchFailure: 'stop' | 'skip';
  /** Cleanup runs after every this many batches. */
  readonly cleanupEvery: number;
}

/** What the driver carries between attempts of one batch (small and JSON: it crosses continueAsNew). */
export interface RetryState {
  readonly batchTime: number;
  /** Failed attempts so far. */
  readonly attempt: number;
  /** Of those, the permanent ones. */
  readonly permanentFailures: number;
  /** When the first attempt failed (ms since the epoch). */
  readonly since: number;
  /** When the next attempt runs. */
  readonly nextAt: number;
  readonly lastError: string;
  readonly lastTransient: boolean;
}

export type FailureDecision =
  | { readonly kind: 'retry'; readonly state: RetryState; readonly delayMs: number }
  | { readonly kind: 'give-up'; readonly skip: boolean; readonly attempts: number; readonly reason: string };

export const DEFAULT_BASE_DELAY_MS = 1000;
export const DEFAULT_CLEANUP_EVERY = 10;

/** Capped exponential backoff: base, 2 × base, 4 × base … never above maxDelayMs. */
export function backoffMs(settings: Pick<BatchPolicySettings, 'baseDelayMs' | 'maxDelayMs'>, attempt: number): number {
  const exp = Math.min(attempt - 1, 40); // 2^40 × any base is far past every cap; keeps the number finite
  return Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** Math.max(0, exp));
}

/**
 * Decides what follows a failed attempt of batch `time`. Transient failures are retried without a
 * count, until transientLimitMs has passed since the first failure; permanent failures are retried
 * permanentRetries times. Either way the batch then counts as failed, and SLUICE_ON_BATCH_FAILURE
 * decides whether the driver stops or skips it.
 */
export function decideAfterFailure(settings: BatchPolicySettings, previous: RetryState | undefined, time: number, failure: ClassifiedFailure, now: number): FailureDecision {
  const prior = previous?.batchTime === time ? previous : undefined;
  const attempt = (prior?.attempt ?? 0) + 1;
  const permanentFailures = (prior?.permanentFailures ?? 0) + (failure.transient ? 0 : 1);
  const since = prior?.since ?? now;
  const skip = settings.onBatchFailure === 'skip';
  if (!failure.transient && permanentFailures > settings.permanentRetries) {
    return { kind: 'give-up', skip, attempts: attempt, reason: `failed ${permanentFailures} times with a permanent error: ${failure.error}` };
  }
  if (failure.transient && now - since >= settings.transientLimitMs) {
    return { kind: 'give-up', skip, attempts: attempt, reason: `still failing transiently after ${now - since} ms (SLUICE_TRANSIENT_RETRY_LIMIT): ${failure.error}` };
  }
  const delayMs = backoffMs(settings, attempt);
  return {
    kind: 'retry', delayMs,
    state: { batchTime: time, attempt, permanentFailures, since, nextAt: now + delayMs, lastError: failure.error, lastTransient: failure.transient },
  };
}

/** Whether cleanup runs after the batchesRun-th batch since the driver started. */
export function cleanupDue(settings: Pick<BatchPolicySettings, 'cleanupEvery'>, batchesRun: number): boolean {
  return batchesRun > 0 && batchesRun % settings.cleanupEvery === 0;
}
