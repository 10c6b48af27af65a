import type { SluiceConfig } from '../config/config.js';
import { DEFAULT_BASE_DELAY_MS, DEFAULT_CLEANUP_EVERY, type BatchPolicySettings } from '../scheduler/batch-policy.js';

/** The batch policy the app's settings ask for. */
export function batchPolicyOf(config: Pick<SluiceConfig, 'activityRetries' | 'retryMaxDelayMs' | 'transientRetryLimitMs' | 'onBatchFailure'>): BatchPolicySettings {
  return {
    permanentRetries: config.activityRetries,
    baseDelayMs: Math.min(DEFAULT_BASE_DELAY_MS, config.retryMaxDelayMs),
    maxDelayMs: config.retryMaxDelayMs,
    transientLimitMs: config.transientRetryLimitMs,
    onBatchFailure: config.onBatchFailure,
    cleanupEvery: DEFAULT_CLEANUP_EVERY,
  };
}
