/** Sluice's public API: the Functions app, the DStream pipeline, the engine steps, configuration and the ports. */
export { sluiceApp, SluiceApp, type SluiceAppOptions, type StreamDefinition, type RegisteredStream } from './app/sluice-app.js';
export { StreamDefinitionError, type EventHubSourceOptions, type ResolvedSource } from './app/stream-sources.js';
export { DStream } from './dstream/dstream.js';
export { StreamingContext, type StreamingJob } from './dstream/streaming-context.js';
export type { Sink, SinkContext } from './sinks/sink.js';
export { BlobSink } from './sinks/blob-sink.js';
export { TableSink } from './sinks/table-sink.js';
export type { ReceivedEvent } from './receiver/received-event.js';
export type { PartitionRef } from './partitions/partition-ref.js';
export { eventBytes, eventText } from './receiver/event-body.js';
export type { DeadLetter } from './scheduler/dead-letter.js';
export { ConfigError, type SluiceConfig, type Connection } from './config/config.js';
export { checkSettingNames, loadStreamConfig, streamsInSettings } from './config/config.js';
export type { Duration } from './config/duration.js';
export type { ObjectStore } from './ports/object-store.js';
export type { EntityTable, Entity } from './ports/entity-table.js';
export type { StreamStorage } from './ports/stream-storage.js';
export { memoryStreamStorage } from './adapters/memory/memory-storage.js';
export type { Clock } from './util/clock.js';
export { ManualClock, systemClock } from './util/clock.js';
export type { BatchCompleted, TaskSummary } from './wal/wal-events.js';
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

// Types the exported signatures above use, exported so users can name them (and so the API report,
// review/sluice.api.md, has no forgotten exports). Type-only: the runtime surface is unchanged.
export type { Env } from './config/config.js';
export type { ReceiverMode, StartingPosition, OnBatchFailure } from './config/settings.js';
export type { StreamGraph, OutputOperation } from './dstream/stream-graph.js';
export type { StreamNode, EventOrigin, MapSideCombine, BatchContext, BatchEventTime } from './dstream/node.js';
export type { KeyedMap } from './dstream/keyed.js';
export type { StateStore } from './state/state-store.js';
export type { WatermarkDeclaration, DStreamOf } from './dstream/event-time/event-time-stream.js';
export type { WindowAssigner } from './dstream/event-time/window-assigners.js';
export type { EntityValue, StoredEntity, RowRange, TableOperation } from './ports/entity-table.js';
