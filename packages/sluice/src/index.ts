/** Sluice's public API: the DStream pipeline, the engine steps, configuration and the ports. */
export { DStream } from './dstream/dstream.js';
export { StreamingContext, type StreamingJob } from './dstream/streaming-context.js';
export type { Sink, SinkContext } from './sinks/sink.js';
export { BlobSink } from './sinks/blob-sink.js';
export { TableSink } from './sinks/table-sink.js';
export type { ReceivedEvent } from './receiver/received-event.js';
export type { PartitionRef } from './partitions/partition-ref.js';
export { eventBytes, eventText } from './receiver/event-body.js';
export { ReliableReceiver, type ReceiveResult } from './receiver/reliable-receiver.js';
export { BufferedReceiver } from './receiver/buffered-receiver.js';
export { StreamEngine, type BatchSummary, type EngineOptions } from './scheduler/stream-engine.js';
export { DriverLoop, type DriverLoopOptions } from './scheduler/driver-loop.js';
export type { DeadLetter } from './scheduler/dead-letter.js';
export { loadConfig, readConnection, ConfigError, type SluiceConfig, type Connection } from './config/config.js';
export { SETTINGS, SETTING_LIST } from './config/settings.js';
export type { Duration } from './config/duration.js';
export type { ObjectStore } from './ports/object-store.js';
export type { EntityTable, Entity } from './ports/entity-table.js';
export type { StreamStorage } from './ports/stream-storage.js';
export { memoryStreamStorage } from './adapters/memory/memory-storage.js';
export { azureStreamStorage } from './adapters/azure/azure-storage.js';
export { storageClients } from './adapters/azure/storage-clients.js';
export type { Clock } from './util/clock.js';
export { ManualClock, systemClock } from './util/clock.js';
export type { WalEvent, BatchRecord } from './wal/wal-events.js';
export { State } from './dstream/state.js';
export type { MapWithStateDStream, Batches } from './dstream/dstream.js';
export type { StateSpec } from './dstream/operators/map-with-state.js';
export type { UpdateStateFn, UpdateStateOptions } from './dstream/operators/update-state-by-key.js';
export type { WindowReduceOptions } from './dstream/operators/reduce-by-key-and-window.js';
export type { WatermarkOptions } from './dstream/dstream.js';
export type { EventTimeStream } from './dstream/event-time/event-time-stream.js';
export type { EventTimeWindows, WindowOutputOptions } from './dstream/event-time/event-time-windows.js';
export type { WindowResult } from './dstream/event-time/window-aggregation.js';
export type { Aggregation } from './dstream/event-time/aggregator.js';
export type { OutputMode } from './dstream/event-time/output-mode.js';
export type { LateRecordPolicy } from './dstream/event-time/late-records.js';
export type { EventTimeOf } from './dstream/event-time/stamped.js';

// Types the exported signatures above use. Exported so users can name them (and so the API report,
// review/sluice.api.md, has no forgotten exports); type-only, so the runtime surface is unchanged.
export type { StorageClients } from './adapters/azure/storage-clients.js';
export type { Env } from './config/config.js';
export type { ReceiverMode, StartingPosition, OnBatchFailure, SettingSpec, Broken } from './config/settings.js';
export type { StreamGraph, OutputOperation } from './dstream/stream-graph.js';
export type { StreamNode, EventOrigin, MapSideCombine, BatchContext, BatchEventTime } from './dstream/node.js';
export type { KeyedMap } from './dstream/keyed.js';
export type { WatermarkDeclaration, DStreamOf } from './dstream/event-time/event-time-stream.js';
export type { WindowAssigner } from './dstream/event-time/window-assigners.js';
export type { EntityValue, StoredEntity, RowRange, TableOperation } from './ports/entity-table.js';
export type { Logger } from './util/log.js';
export type { BlockStore } from './receiver/block-store.js';
export type { CheckpointStore, VersionedCheckpoint, Checkpoint } from './wal/checkpoint-store.js';
export type { ReceiverOptions } from './receiver/reliable-receiver.js';
export type { BatchTelemetry, BatchRetry, BatchGaveUp, EventsLost } from './telemetry/batch-telemetry.js';
export type { RetryState } from './scheduler/batch-policy.js';
export type { EngineContext } from './scheduler/engine-context.js';
export type { TaskPlan, TaskBlock } from './scheduler/task-planner.js';
export type { CleanupResult } from './scheduler/cleaner.js';
export type {
  TaskSummary,
  BlockAdded,
  BatchCleaned,
  GapDetected,
  BatchStatus,
  BatchAllocated,
  BatchCompleted,
  BatchFailed,
  AllocatedRange,
  AllocatedBlock,
  Backlog,
} from './wal/wal-events.js';
export type { PendingBlock } from './receiver/block-generator.js';
export type { HubRangeReader } from './receiver/hub-range-reader.js';
export type { BatchLog } from './wal/batch-log.js';
export type { StateStore } from './state/state-store.js';
