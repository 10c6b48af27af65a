import type { Duration } from '../config/duration.js';
import { DEFAULT_SOURCE, type ReceivedEvent } from '../receiver/received-event.js';
import { DStream } from './dstream.js';
import { decodeJson, inputNode } from './operators/input.js';
import { StreamGraph } from './stream-graph.js';

/**
 * Spark's StreamingContext: where a pipeline gets its input streams. The engine builds the
 * pipeline once per process from the job's build function, with the configured batch interval.
 */
export class StreamingContext {
  readonly graph: StreamGraph;

  constructor(options: { batchInterval: Duration; idlePartitionTimeout?: Duration }) {
    this.graph = new StreamGraph(options.batchInterval, options.idlePartitionTimeout);
  }

  get batchIntervalMs(): number {
    return this.graph.batchIntervalMs;
  }

  /**
   * The stream's Event Hub as a DStream. Each event body is decoded (UTF-8 JSON by default); an
   * event whose decode throws goes to the dead-letter container and the batch goes on.
   */
  eventHubStream<T = unknown>(options: { source?: string; decode?: (event: ReceivedEvent) => T } = {}): DStream<T> {
    return new DStream<T>(this.graph, inputNode(this.graph, options.source ?? DEFAULT_SOURCE, options.decode ?? decodeJson));
  }
}

/** A Sluice job: a name and the function that builds its pipeline. */
export interface StreamingJob {
  readonly build: (ssc: StreamingContext) => void;
}
