import { azureStreamStorage } from '../adapters/azure/azure-storage.js';
import { storageClients } from '../adapters/azure/storage-clients.js';
import { loadConfig, readAppInsights, readConnection, type SluiceConfig } from '../config/config.js';
import { StreamingContext, type StreamingJob } from '../dstream/streaming-context.js';
import type { StreamStorage } from '../ports/stream-storage.js';
import { StreamEngine } from '../scheduler/stream-engine.js';
import { systemClock, type Clock } from '../util/clock.js';
import { consoleLogger, type Logger } from '../util/log.js';
import { StreamControl } from '../wal/stream-control.js';
import type { BatchTelemetry } from '../telemetry/batch-telemetry.js';
import { OtelBatchTelemetry } from '../telemetry/otel-batch-telemetry.js';
import { enableAzureMonitor } from './azure-monitor.js';

/** Everything the Functions app needs, built once per process from the app settings. */
export interface AppContext {
  readonly config: SluiceConfig;
  readonly storage: StreamStorage;
  readonly engine: StreamEngine;
  readonly control: StreamControl;
  readonly clock: Clock;
  readonly log: Logger;
  readonly telemetry: BatchTelemetry;
  /** The pipeline, rebuilt by replays. */
  readonly job: StreamingJob;
  /** The Durable instance id of the stream's driver: fixed, so there is one driver per stream. */
  readonly driverId: string;
}

export interface AppOverrides {
  readonly clock?: Clock;
  readonly log?: Logger;
  readonly job?: StreamingJob;
  readonly storage?: StreamStorage;
  /** Wraps the stores (tests inject faults and count calls this way). */
  readonly wrapStorage?: (storage: StreamStorage) => StreamStorage;
  /** Replaces the OpenTelemetry batch telemetry (tests capture it this way). */
  readonly telemetry?: BatchTelemetry;
}

let overrides: AppOverrides = {};
let appJob: StreamingJob | undefined;

/** The pipeline this app runs, given by the app's entry before the first invocation. */
export function useJob(job: StreamingJob): void {
  appJob = job;
  current = undefined;
}
let current: AppContext | undefined;

/**
 * Replaces parts of the app's context before its first use: the local stack passes its clock, so
 * the engine and the durable timers share one time source. Azure never calls this.
 */
export function configureApp(next: AppOverrides): void {
  overrides = next;
  current = undefined;
}

export function appContext(): AppContext {
  if (current) return current;
  const config = loadConfig();
  const base = overrides.storage ?? azureStreamStorage(config, storageClients(readConnection(config.storageConnectionName)));
  const storage = overrides.wrapStorage ? overrides.wrapStorage(base) : base;
  const ssc = new StreamingContext({ batchInterval: config.batchIntervalMs, idlePartitionTimeout: config.idlePartitionTimeoutMs });
  const job = overrides.job ?? appJob;
  if (!job) throw new Error('no pipeline registered: the app must call useJob(job) before its functions run');
  job.build(ssc);
  const clock = overrides.clock ?? systemClock;
  const log = overrides.log ?? consoleLogger;
  if (!overrides.telemetry) void enableAzureMonitor(readAppInsights(), log); // settles to false on failure, never rejects
  const telemetry = overrides.telemetry ?? new OtelBatchTelemetry(config.streamName, config.batchIntervalMs);
  const engine = new StreamEngine({
    stream: config.streamName, batchIntervalMs: config.batchIntervalMs, maxTasksPerBatch: config.maxTasksPerBatch,
    blockRetentionMs: config.blockRetentionMs, walRetentionMs: config.walRetentionMs, storage, graph: ssc.graph, clock, log, telemetry,
    maxEventsPerPartition: config.maxEventsPerPartition, maxBytesPerPartition: config.maxBytesPerPartition,
  });
  current = { config, storage, job, engine, control: new StreamControl(storage.wal, config.streamName), clock, log, telemetry, driverId: `sluice-${config.streamName}` };
  return current;
}
