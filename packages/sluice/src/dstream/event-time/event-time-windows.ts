import type { DStream } from '../dstream.js';
import type { StreamNode } from '../node.js';
import type { StreamGraph } from '../stream-graph.js';
import { countAggregator, fromAggregation, reduceAggregator, type Aggregation, type Aggregator } from './aggregator.js';
import type { DStreamOf, WatermarkDeclaration } from './event-time-stream.js';
import { outputMode, type OutputMode } from './output-mode.js';
import { windowAggregationNode, type WindowResult } from './window-aggregation.js';
import type { WindowAssigner } from './window-assigners.js';

export interface WindowOutputOptions {
  /** "append" (the default): each window once, final, when the watermark passes its end. "update": every window the batch changed. */
  readonly outputMode?: OutputMode;
}

/**
 * Event-time windows over a stream, waiting for an aggregation (Spark's groupBy(window(...))).
 * Every aggregation yields a DStream of { key, start, end, value }; key is null for the
 * un-keyed ones, and the *ByKey ones group pair records [K, V] by K and aggregate V.
 */
export class EventTimeWindows<T> {
  constructor(
    private readonly graph: StreamGraph,
    private readonly node: StreamNode,
    private readonly declaration: WatermarkDeclaration,
    private readonly assigner: WindowAssigner,
    private readonly toDStream: DStreamOf,
  ) {}

  count(options?: WindowOutputOptions): DStream<WindowResult<null, number>> {
    return this.aggregateWith(false, countAggregator, options);
  }

  reduce(fn: (a: T, b: T) => T, options?: WindowOutputOptions): DStream<WindowResult<null, T>> {
    return this.aggregateWith(false, reduceAggregator(fn), options);
  }

  aggregate<A, R = A>(aggregation: Aggregation<T, A, R>, options?: WindowOutputOptions): DStream<WindowResult<null, R>> {
    return this.aggregateWith(false, fromAggregation(aggregation), options);
  }

  countByKey<K, V>(this: EventTimeWindows<[K, V]>, options?: WindowOutputOptions): DStream<WindowResult<K, number>> {
    return this.aggregateWith(true, countAggregator, options);
  }

  reduceByKey<K, V>(this: EventTimeWindows<[K, V]>, fn: (a: V, b: V) => V, options?: WindowOutputOptions): DStream<WindowResult<K, V>> {
    return this.aggregateWith(true, reduceAggregator(fn), options);
  }

  aggregateByKey<K, V, A, R = A>(this: EventTimeWindows<[K, V]>, aggregation: Aggregation<V, A, R>, options?: WindowOutputOptions): DStream<WindowResult<K, R>> {
    return this.aggregateWith(true, fromAggregation(aggregation), options);
  }

  private aggregateWith<U>(keyed: boolean, aggregator: Aggregator, options: WindowOutputOptions = {}): DStream<U> {
    const { tracker, latePolicy } = this.declaration;
    const spec = { assigner: this.assigner, keyed, aggregator, mode: outputMode(options.outputMode), latePolicy };
    return this.toDStream<U>(windowAggregationNode(this.graph, this.node, tracker, spec));
  }
}
