import type { Clock } from 'sluice';
import type { FunctionMetadata, RpcDuration } from './functions-core-types.js';
import type { InvocationAttempt, InvocationInput, InvocationOutcome, InvokeDetailed } from './invoke.js';

export interface RetryPolicy {
  strategy: 'fixedDelay' | 'exponentialBackoff';
  /** -1 retries forever, as in the host. */
  maxRetryCount: number;
  /** Delay before retry number `retryCount` (1 based). */
  delayMs(retryCount: number): number;
}

function durationMs(d: RpcDuration | null | undefined): number {
  return (Number(d?.seconds ?? 0) * 1000) + Math.floor(Number(d?.nanos ?? 0) / 1e6);
}

/** The function's `retry` option as registered, or undefined when it has none. */
export function retryPolicyOf(metadata: FunctionMetadata): RetryPolicy | undefined {
  const options = metadata.retryOptions;
  if (!options) return undefined;
  const strategy = options.retryStrategy ?? (options.strategy as RetryPolicy['strategy'] | undefined);
  const maxRetryCount = Number(options.maxRetryCount ?? 0);
  if (strategy === 'fixedDelay') {
    const delay = durationMs(options.delayInterval);
    return { strategy, maxRetryCount, delayMs: () => delay };
  }
  if (strategy === 'exponentialBackoff') {
    const min = durationMs(options.minimumInterval);
    const max = durationMs(options.maximumInterval);
    // The host adds jitter; locally the delay is deterministic so tests on a ManualClock can predict it.
    return { strategy, maxRetryCount, delayMs: (n) => Math.min(max, min * 2 ** Math.max(0, n - 1)) };
  }
  throw new Error(`Function "${metadata.name}" has an unknown retry strategy "${String(strategy)}"`);
}

/**
 * Invokes, retrying failures per `policy` on `clock`. Rejects with the last error once retries
 * are exhausted or `signal` aborts (a stopping host does not start new attempts).
 */
export async function invokeWithRetry(
  invokeDetailed: InvokeDetailed,
  functionName: string,
  input: InvocationInput,
  policy: RetryPolicy | undefined,
  clock: Clock,
  signal?: AbortSignal,
): Promise<InvocationOutcome> {
  if (!policy) return invokeDetailed(functionName, input);
  let attempt: InvocationAttempt = { retryCount: 0, maxRetryCount: policy.maxRetryCount };
  for (;;) {
    try {
      return await invokeDetailed(functionName, input, attempt);
    } catch (error) {
      const retryCount = attempt.retryCount + 1;
      const exhausted = policy.maxRetryCount !== -1 && retryCount > policy.maxRetryCount;
      if (exhausted || signal?.aborted) throw error;
      await clock.sleepUntil(clock.now() + policy.delayMs(retryCount), signal);
      if (signal?.aborted) throw error;
      attempt = { retryCount, maxRetryCount: policy.maxRetryCount, lastError: error };
    }
  }
}
