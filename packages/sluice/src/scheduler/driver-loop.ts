import type { BatchTelemetry } from '../telemetry/batch-telemetry.js';
import { cleanupDue, decideAfterFailure, DEFAULT_BASE_DELAY_MS, DEFAULT_CLEANUP_EVERY, type BatchPolicySettings, type RetryState } from './batch-policy.js';
import { messageOf } from './dead-letter.js';
import { classified } from './failure-class.js';
import type { BatchSummary, StreamEngine } from './stream-engine.js';

export interface DriverLoopOptions {
  /** What to do when a batch still fails after its retries: stop (default) or skip it. */
  readonly onBatchFailure?: 'stop' | 'skip';
  /** Retries of a permanently failing batch (default 3). */
  readonly retries?: number;
  /** The first retry's delay (default 1 s); it doubles per retry up to maxRetryDelayMs. */
  readonly retryDelayMs?: number;
  readonly maxRetryDelayMs?: number;
  /** How long transient failures are retried before the batch counts as failed (default: no bound). */
  readonly transientLimitMs?: number;
  /** Cleanup runs every this many batches. */
  readonly cleanupEvery?: number;
  readonly onBatch?: (summary: BatchSummary) => void;
  readonly telemetry?: BatchTelemetry;
}

/**
 * Spark's JobGenerator in one process, for tests and the local stack: waits on the clock until
 * each batch time of the fixed schedule, then runs the batch. Batch times never come from "now +
 * interval", so the loop never drifts; when it is behind (after a pause or a slow batch) it runs
 * the missed batches in order at once, and their scheduling delay shows it. Retries, backoff,
 * stop or skip, and cleanup follow the same policy as the Durable driver (batch-policy.ts).
 */
export class DriverLoop {
  private readonly abort = new AbortController();
  private readonly policy: BatchPolicySettings;
  private done: Promise<void> | undefined;
  private failure: Error | undefined;
  private retryState: RetryState | undefined;

  constructor(private readonly engine: StreamEngine, private readonly options: DriverLoopOptions = {}) {
    this.policy = {
      permanentRetries: options.retries ?? 3,
      baseDelayMs: options.retryDelayMs ?? DEFAULT_BASE_DELAY_MS,
      maxDelayMs: options.maxRetryDelayMs ?? 5 * 60_000,
      transientLimitMs: options.transientLimitMs ?? Number.POSITIVE_INFINITY,
      onBatchFailure: options.onBatchFailure ?? 'stop',
      cleanupEvery: options.cleanupEvery ?? DEFAULT_CLEANUP_EVERY,
    };
  }

  start(): Promise<void> {
    this.done ??= this.run();
    return this.done;
  }

  /** Stops after the batch in progress, if any. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.done;
  }

  /** Set when the loop stopped on a failed batch (onBatchFailure = stop). */
  get stoppedBy(): Error | undefined {
    return this.failure;
  }

  /** The batch being retried, while one is. */
  get retrying(): RetryState | undefined {
    return this.retryState;
  }

  private async run(): Promise<void> {
    const { clock, log } = this.engine.context;
    const signal = this.abort.signal;
    let time = await this.engine.nextBatchTime();
    let batches = 0;
    while (!signal.aborted) {
      await clock.sleepUntil(time, signal);
      if (signal.aborted) break;
      const summary = await this.runWithRetries(time);
      if (signal.aborted) break;
      if (!summary) {
        if (this.policy.onBatchFailure === 'stop') return;
      } else {
        this.options.onBatch?.(summary);
      }
      if (cleanupDue(this.policy, ++batches)) {
        await this.engine.cleanUp().catch((err: unknown) => log.warn('cleanup failed; it runs again later', { error: messageOf(err) }));
      }
      time += this.engine.batchIntervalMs;
    }
  }

  private async runWithRetries(time: number): Promise<BatchSummary | undefined> {
    const { clock, log } = this.engine.context;
    for (;;) {
      const attempts = (this.retryState?.attempt ?? 0) + 1;
      try {
        const summary = await this.engine.runBatch(time, attempts);
        this.retryState = undefined;
        return summary;
      } catch (err) {
        const decision = decideAfterFailure(this.policy, this.retryState, time, classified(err), clock.now());
        if (decision.kind === 'retry' && !this.abort.signal.aborted) {
          const s = decision.state;
          this.retryState = s;
          log.warn(`retrying batch ${time}: attempt ${s.attempt} failed (${s.lastTransient ? 'transient' : 'permanent'})`, {
            time, attempt: s.attempt, permanentFailures: s.permanentFailures, since: s.since, delayMs: decision.delayMs, nextAt: s.nextAt, transient: s.lastTransient, error: s.lastError,
          });
          this.options.telemetry?.batchRetry({ batchTime: time, attempt: s.attempt, transient: s.lastTransient, delayMs: decision.delayMs, nextAt: s.nextAt, since: s.since, error: s.lastError });
          await clock.sleepUntil(s.nextAt, this.abort.signal);
          if (this.abort.signal.aborted) return undefined; // stopped mid-retry: the batch stays allocated, the next start resumes it
          continue;
        }
        this.retryState = undefined;
        const skip = this.policy.onBatchFailure === 'skip';
        const reason = decision.kind === 'give-up' ? decision.reason : messageOf(err);
        log.error(skip ? 'batch failed after retries; skipping it (its blocks stay for a replay)' : 'batch failed after retries; stopping the stream (its blocks stay for a replay)', { time, attempts, error: reason });
        this.options.telemetry?.batchGaveUp({ batchTime: time, attempts, skipped: skip, error: reason });
        this.failure = err instanceof Error ? err : new Error(String(err));
        await this.engine.failBatch(time, reason, skip, attempts).catch((e: unknown) => log.error('recording the failed batch failed; a restart retries it', { time, error: messageOf(e) }));
        return undefined;
      }
    }
  }
}
