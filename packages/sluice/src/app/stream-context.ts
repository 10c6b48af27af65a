import { azureStreamStorage } from '../adapters/azure/azure-storage.js';
import { storageClients } from '../adapters/azure/storage-clients.js';
import { loadStreamConfig, readAppInsights, readConnection, type Env, type SluiceConfig } from '../config/config.js';
import { StreamingContext, type StreamingJob } from '../dstream/streaming-context.js';
import type { StreamStorage } from '../ports/stream-storage.js';
import { StreamEngine } from '../scheduler/stream-engine.js';
import { systemClock, type Clock } from '../util/clock.js';
import { consoleLogger, type Logger } from '../util/log.js';
import { StreamControl } from '../wal/stream-control.js';
import type { BatchTelemetry } from '../telemetry/batch-telemetry.js';
import { OtelBatchTelemetry } from '../telemetry/otel-batch-telemetry.js';
import { enableAzureMonitor } from './azure-monitor.js';
import type { DevOverrides } from './dev-overrides.js';

/** Everything one stream's functions need, built from the app settings on the stream's first use. */
export interface StreamContext {
  readonly config: SluiceConfig;
  /** The pipeline the stream runs (replays build it again from here). */
  readonly job: StreamingJob;
  readonly storage: StreamStorage;
  readonly engine: StreamEngine;
  readonly control: StreamControl;
  readonly clock: Clock;
  readonly log: Logger;
  readonly telemetry: BatchTelemetry;
  /** The Durable instance id of the stream's driver: fixed, so there is one driver per stream. */
  readonly driverId: string;
}

/** Builds a stream's context from its settings (loadStreamConfig) and the overrides a local stack set. */
export function createStreamContext(stream: string, registeredJob: StreamingJob, overrides: DevOverrides, env: Env): StreamContext {
  const config = loadStreamConfig(stream, env);
  const base = overrides.storage ?? azureStreamStorage(config, storageClients(readConnection(config.storageConnectionName, env)));
  const storage = overrides.wrapStorage ? overrides.wrapStorage(base) : base;
  const job = overrides.job ?? registeredJob;
  const ssc = new StreamingContext({ batchInterval: config.batchIntervalMs, idlePartitionTimeout: config.idlePartitionTimeoutMs });
  job.build(ssc);
  const clock = overrides.clock ?? systemClock;
  const log = overrides.log ?? consoleLogger;
  if (!overrides.telemetry) void enableAzureMonitor(readAppInsights(env), log); // settles to false on failure, never rejects
  const telemetry = overrides.telemetry ?? new OtelBatchTelemetry(config.streamName, config.batchIntervalMs);
  const engine = new StreamEngine({
    stream: config.streamName, batchIntervalMs: config.batchIntervalMs, maxTasksPerBatch: config.maxTasksPerBatch,
    blockRetentionMs: config.blockRetentionMs, walRetentionMs: config.walRetentionMs, storage, graph: ssc.graph, clock, log, telemetry,
    maxEventsPerPartition: config.maxEventsPerPartition, maxBytesPerPartition: config.maxBytesPerPartition,
  });
  return { config, job, storage, engine, control: new StreamControl(storage.wal, config.streamName), clock, log, telemetry, driverId: `sluice-${config.streamName}` };
}
