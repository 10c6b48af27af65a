import type { StreamGraph } from '../dstream/stream-graph.js';
import type { StreamStorage } from '../ports/stream-storage.js';
import type { BlockStore } from '../receiver/block-store.js';
import type { StateStore } from '../state/state-store.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import type { BatchTelemetry } from '../telemetry/batch-telemetry.js';
import type { BatchLog } from '../wal/batch-log.js';
import type { CheckpointStore } from '../wal/checkpoint-store.js';

/** What every driver step needs: the stream's settings, stores, pipeline, clock and log. */
export interface EngineContext {
  readonly stream: string;
  readonly batchIntervalMs: number;
  readonly maxTasksPerBatch: number;
  readonly blockRetentionMs: number;
  readonly walRetentionMs: number;
  /** Backpressure: most events and block bytes one batch takes per partition (default: no bound). */
  readonly maxEventsPerPartition?: number;
  readonly maxBytesPerPartition?: number;
  readonly storage: StreamStorage;
  readonly graph: StreamGraph;
  readonly blocks: BlockStore;
  readonly checkpoints: CheckpointStore;
  readonly batches: BatchLog;
  readonly state: StateStore;
  readonly clock: Clock;
  readonly log: Logger;
  /** Per-batch metrics and records for Application Insights (none: not emitted). */
  readonly telemetry?: BatchTelemetry;
}
