import { messageOf } from './dead-letter.js';
import type { BatchSummary, StreamEngine } from './stream-engine.js';

export interface DriverLoopOptions {
  /** What to do when a batch still fails after its retries: stop (default) or skip it. */
  readonly onBatchFailure?: 'stop' | 'skip';
  readonly retries?: number;
  readonly retryDelayMs?: number;
  /** Cleanup runs every this many batches. */
  readonly cleanupEvery?: number;
  readonly onBatch?: (summary: BatchSummary) => void;
}

/**
 * Spark's JobGenerator in one process, for tests and the local stack: waits on the clock until
 * each batch time of the fixed schedule, then runs the batch. Batch times never come from "now +
 * interval", so the loop never drifts; when it is behind (after a pause or a slow batch) it runs
 * the missed batches in order at once, and their scheduling delay shows it.
 */
export class DriverLoop {
  private readonly abort = new AbortController();
  private done: Promise<void> | undefined;
  private failure: Error | undefined;

  constructor(private readonly engine: StreamEngine, private readonly options: DriverLoopOptions = {}) {}

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

  private async run(): Promise<void> {
    const { clock, log } = this.engine.context;
    const signal = this.abort.signal;
    let time = await this.engine.nextBatchTime();
    let sinceCleanup = 0;
    while (!signal.aborted) {
      await clock.sleepUntil(time, signal);
      if (signal.aborted) break;
      const summary = await this.runWithRetries(time);
      if (!summary) {
        if ((this.options.onBatchFailure ?? 'stop') === 'stop') return;
      } else {
        this.options.onBatch?.(summary);
      }
      if (++sinceCleanup >= (this.options.cleanupEvery ?? 10)) {
        sinceCleanup = 0;
        await this.engine.cleanUp().catch((err: unknown) => log.warn('cleanup failed; it runs again later', { error: messageOf(err) }));
      }
      time += this.engine.batchIntervalMs;
    }
  }

  private async runWithRetries(time: number): Promise<BatchSummary | undefined> {
    const { clock, log } = this.engine.context;
    const retries = this.options.retries ?? 3;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.engine.runBatch(time);
      } catch (err) {
        if (attempt < retries && !this.abort.signal.aborted) {
          log.warn('batch failed; retrying', { time, attempt: attempt + 1, error: messageOf(err) });
          await clock.sleepUntil(clock.now() + (this.options.retryDelayMs ?? 1000) * 2 ** attempt, this.abort.signal);
          continue;
        }
        const skip = this.options.onBatchFailure === 'skip';
        log.error(skip ? 'batch failed after retries; skipping it (its blocks stay for a replay)' : 'batch failed after retries; stopping the stream (its blocks stay for a replay)', { time, error: messageOf(err) });
        this.failure = err instanceof Error ? err : new Error(String(err));
        await this.engine.failBatch(time, messageOf(err), skip).catch(() => undefined);
        return undefined;
      }
    }
  }
}
