import type { RetryPolicy } from './history-event.js';

/**
 * Delay before the next attempt after `failedAttempts` failures, as the Durable Task Framework
 * computes it: first * coefficient^(failures-1), capped at the maximum interval when one is set.
 */
export function retryDelayMs(policy: RetryPolicy, failedAttempts: number): number {
  const coefficient = policy.backoffCoefficient && policy.backoffCoefficient > 0 ? policy.backoffCoefficient : 1;
  const delay = policy.firstRetryIntervalInMilliseconds * coefficient ** Math.max(0, failedAttempts - 1);
  const cap = policy.maxRetryIntervalInMilliseconds;
  return cap && cap > 0 ? Math.min(delay, cap) : delay;
}

/** Reads a RetryOptions object as the library serialises it; rejects what cannot drive retries. */
export function readRetryPolicy(raw: unknown): RetryPolicy {
  const options = (raw ?? {}) as Record<string, unknown>;
  const first = options.firstRetryIntervalInMilliseconds;
  const attempts = options.maxNumberOfAttempts;
  if (typeof first !== 'number' || !(first > 0) || typeof attempts !== 'number' || !(attempts >= 1)) {
    throw new Error(`invalid retry options ${JSON.stringify(raw)}: need firstRetryIntervalInMilliseconds > 0 and maxNumberOfAttempts >= 1`);
  }
  const policy: RetryPolicy = { firstRetryIntervalInMilliseconds: first, maxNumberOfAttempts: attempts };
  if (typeof options.backoffCoefficient === 'number') policy.backoffCoefficient = options.backoffCoefficient;
  if (typeof options.maxRetryIntervalInMilliseconds === 'number') policy.maxRetryIntervalInMilliseconds = options.maxRetryIntervalInMilliseconds;
  return policy;
}
