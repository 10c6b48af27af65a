import { BlockStore } from '../receiver/block-store.js';
import { StateStore } from '../state/state-store.js';
import { BatchLog } from '../wal/batch-log.js';
import { CheckpointStore } from '../wal/checkpoint-store.js';
import type { BatchAllocated, BatchRecord, TaskSummary } from '../wal/wal-events.js';
import { allocateBatch } from './batch-allocator.js';
import { commitBatch } from './batch-committer.js';
import type { BatchSummary } from './batch-summary.js';
import { cleanUp, type CleanupResult } from './cleaner.js';
import type { EngineContext } from './engine-context.js';
import { runTask } from './task-runner.js';
import { planTasks, type TaskPlan } from './task-planner.js';
import { mapBounded } from '../util/bounded.js';

export { summarize, type BatchSummary } from './batch-summary.js';

/** Tasks one process runs at once in runBatch: the in-process counterpart of the activity fan-out bound. */
const TASKS_AT_ONCE = 8;

/** The engine's settings and dependencies; the stores it derives from them complete its context. */
export type EngineOptions = Omit<EngineContext, 'blocks' | 'checkpoints' | 'batches' | 'state'> & {
  /** Whose blocks the tasks read: the stream itself, or the original stream for a replay. */
  readonly blockStream?: string;
};


/**
 * The driver's steps over one stream: allocate, plan, run tasks, commit, clean up. The local
 * driver loop, the Durable orchestrator's activities and the test harness all call these same
 * steps; each is idempotent for a given batch time, which is what retries and replays rely on.
 */
export class StreamEngine {
  readonly context: EngineContext;
  private zero: number | undefined;

  constructor(options: EngineOptions) {
    if (options.graph.batchIntervalMs !== options.batchIntervalMs) {
      throw new RangeError(`the pipeline was built for a ${options.graph.batchIntervalMs} ms batch interval, the engine runs ${options.batchIntervalMs} ms`);
    }
    this.context = {
      ...options,
      blocks: new BlockStore(options.storage.blocks, options.blockStream ?? options.stream),
      checkpoints: new CheckpointStore(options.storage.wal, options.stream),
      batches: new BatchLog(options.storage.wal, options.stream),
      state: new StateStore(options.storage.state, options.stream),
    };
  }

  get batchIntervalMs(): number {
    return this.context.batchIntervalMs;
  }

  /** The stream's zero time, fixed by its first start: now rounded down to the batch interval. */
  async zeroTime(): Promise<number> {
    if (this.zero === undefined) {
      const now = this.context.clock.now();
      this.zero = await this.context.batches.zeroTime(now - (now % this.batchIntervalMs));
    }
    return this.zero;
  }

  /**
   * The next batch time on the fixed schedule zeroTime + k × interval: the newest batch's time
   * again when it is unfinished (resume it), else the one after it.
   */
  async nextBatchTime(): Promise<number> {
    const zero = await this.zeroTime();
    const latest = await this.context.batches.latest();
    if (!latest) return zero + this.batchIntervalMs;
    const finished = latest.status === 'completed' || latest.status === 'cleaned' || (latest.status === 'failed' && latest.failure?.skipped === true);
    return finished ? latest.time + this.batchIntervalMs : latest.time;
  }

  allocateBatch(time: number): Promise<BatchAllocated> {
    return allocateBatch(this.context, time);
  }

  planTasks(allocation: BatchAllocated): TaskPlan[] {
    return planTasks(allocation, this.context.maxTasksPerBatch);
  }

  runTask(time: number, task: number): Promise<TaskSummary> {
    return runTask(this.context, time, task);
  }

  /** `attempts`: which attempt of the batch this is (1 for the first), recorded with its completion. */
  async commitBatch(time: number, attempts?: number): Promise<BatchSummary> {
    return commitBatch(this.context, time, await this.zeroTime(), attempts);
  }

  async failBatch(time: number, error: string, skipped: boolean, attempts?: number): Promise<void> {
    await this.context.batches.fail({ kind: 'BatchFailed', time, failedAt: this.context.clock.now(), error, skipped, ...(attempts !== undefined && { attempts }) });
  }

  batch(time: number): Promise<BatchRecord | undefined> {
    return this.context.batches.get(time);
  }

  cleanUp(): Promise<CleanupResult> {
    const remember = Math.max(0, ...this.context.graph.nodes.map((n) => n.rememberMs ?? 0)) + 2 * this.batchIntervalMs;
    return cleanUp(this.context, this.context.clock.now(), remember);
  }

  /** All steps of one batch in this process: allocate, run every task (at most TASKS_AT_ONCE at a time), commit. */
  async runBatch(time: number, attempts?: number): Promise<BatchSummary> {
    const allocation = await this.allocateBatch(time);
    const plans = this.planTasks(allocation);
    await mapBounded(plans, TASKS_AT_ONCE, (p) => this.runTask(time, p.task));
    return this.commitBatch(time, attempts);
  }
}
