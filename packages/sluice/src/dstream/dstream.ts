import { durationMs, parseDuration, type Duration } from '../config/duration.js';
import { BlobSink } from '../sinks/blob-sink.js';
import { ForeachSink } from '../sinks/foreach-sink.js';
import type { Sink } from '../sinks/sink.js';
import { TableSink } from '../sinks/table-sink.js';
import { EventTimeStream } from './event-time/event-time-stream.js';
import { lateRecordPolicy, type LateRecordPolicy } from './event-time/late-records.js';
import { stampNode, type EventTimeOf } from './event-time/stamped.js';
import { watermarkNode } from './event-time/watermark-tracker.js';
import type { StreamNode } from './node.js';
import { byKey, combineNode } from './operators/combine-node.js';
import { cogroupNode } from './operators/cogroup.js';
import { filterNode } from './operators/filter.js';
import { flatMapNode } from './operators/flat-map.js';
import { groupByKeyAndWindowNode } from './operators/group-by-key-and-window.js';
import { joinNode } from './operators/join.js';
import { countAll, countValues, groupValues, pairsOf, reduceAll, reduceValues } from './operators/keyed-combines.js';
import { mapNode } from './operators/map.js';
import { mapWithStateNodes, type StateSpec } from './operators/map-with-state.js';
import { reduceByKeyAndWindowNode, type WindowReduceOptions } from './operators/reduce-by-key-and-window.js';
import { transformNode } from './operators/transform.js';
import { unionNode } from './operators/union.js';
import { updateStateByKeyNode, type UpdateStateFn, type UpdateStateOptions } from './operators/update-state-by-key.js';
import { windowNode } from './operators/window.js';
import type { StreamGraph } from './stream-graph.js';

/** The batches of several streams, as transformWith hands them over: one array per stream. */
export type Batches<T extends readonly unknown[]> = { -readonly [I in keyof T]: T[I][] };

/**
 * A discretized stream: one batch of records per batch interval, as in Spark Streaming. Each
 * method is a one-liner over an operator in ./operators. Records that cross from tasks to the
 * commit, or into state, must be JSON values (Spark asks for Serializable in the same place).
 * Durations are ms or text such as "2s"; windows and slides are checked when the pipeline is built.
 */
export class DStream<T> {
  constructor(readonly graph: StreamGraph, readonly node: StreamNode) {}

  private derive<U>(node: StreamNode): DStream<U> {
    return new DStream<U>(this.graph, node);
  }

  /** The stream's slide duration in ms: the batch interval, or a window's slide. */
  get slideMs(): number {
    return this.node.slideMs;
  }

  map<U>(fn: (record: T) => U): DStream<U> {
    return this.derive(mapNode(this.graph, this.node, fn));
  }

  filter(predicate: (record: T) => boolean): DStream<T> {
    return this.derive(filterNode(this.graph, this.node, predicate));
  }

  flatMap<U>(fn: (record: T) => Iterable<U>): DStream<U> {
    return this.derive(flatMapNode(this.graph, this.node, fn));
  }

  union(...others: DStream<T>[]): DStream<T> {
    return this.derive(unionNode(this.graph, [this.node, ...others.map((o) => o.node)]));
  }

  /** One record per batch: the number of records in it (0 for an empty batch). */
  count(): DStream<number> {
    return this.derive(combineNode(this.graph, this.node, 'count', countAll, (m) => [m.get(null) ?? 0]));
  }

  /** One record per non-empty batch: its records reduced with fn. */
  reduce(fn: (a: T, b: T) => T): DStream<T> {
    return this.derive(combineNode(this.graph, this.node, 'reduce', reduceAll(fn), (m) => (m.size ? [m.get(null)] : [])));
  }

  countByValue(): DStream<[T, number]> {
    return this.derive(combineNode(this.graph, this.node, 'countByValue', countValues, pairsOf));
  }

  transform<U>(fn: (batch: T[], time: number) => U[] | Promise<U[]>): DStream<U> {
    return this.derive(transformNode(this.graph, [this.node], (batches, time) => fn(batches[0] as T[], time)));
  }

  /** Spark's transformWith over one other stream, or several: fn(a, b, ..., time). Slides must match. */
  transformWith<U, V>(other: DStream<U>, fn: (a: T[], b: U[], time: number) => V[] | Promise<V[]>): DStream<V>;
  transformWith<O extends readonly unknown[], V>(others: readonly [...{ [I in keyof O]: DStream<O[I]> }], fn: (a: T[], ...rest: [...Batches<O>, number]) => V[] | Promise<V[]>): DStream<V>;
  transformWith<V>(others: unknown, fn: unknown): DStream<V> {
    const nodes = (others instanceof DStream ? [others] : (others as DStream<unknown>[])).map((o) => o.node);
    return this.derive(transformNode(this.graph, [this.node, ...nodes], (batches, time) => (fn as (...args: unknown[]) => V[] | Promise<V[]>)(...batches, time)));
  }

  // ---- windows (Spark's WindowedDStream and the *Window operations) ----

  /** The batches of (T - window, T] at every slide-aligned T; partial at the start. Slide defaults to this stream's. */
  window(windowDuration: Duration, slideDuration?: Duration): DStream<T> {
    return this.derive(windowNode(this.graph, this.node, windowDuration, slideDuration));
  }

  /** The number of records in each window, computed incrementally; an empty window gives [0]. */
  countByWindow(windowDuration: Duration, slideDuration: Duration): DStream<number> {
    return this.count().map((n) => [null, n] as [null, number]).reduceByKeyAndWindow((a, b) => a + b, windowDuration, slideDuration, { inverse: (a, b) => a - b }).map(([, n]) => n);
  }

  /** The window's records reduced with fn (nothing for an empty window); incrementally with an inverse. */
  reduceByWindow(fn: (a: T, b: T) => T, windowDuration: Duration, slideDuration?: Duration, options: { inverse?: (a: T, b: T) => T } = {}): DStream<T> {
    return this.reduce(fn).map((r) => [null, r] as [null, T]).reduceByKeyAndWindow(fn, windowDuration, slideDuration, options).map(([, r]) => r);
  }

  /** Each distinct record's count in the window, incrementally; values whose count fell to 0 are dropped. */
  countByValueAndWindow(windowDuration: Duration, slideDuration?: Duration): DStream<[T, number]> {
    return this.countByValue().reduceByKeyAndWindow((a, b) => a + b, windowDuration, slideDuration, { inverse: (a, b) => a - b, filter: ([, n]) => n !== 0 });
  }

  // ---- pair-stream operations (Spark's PairDStreamFunctions) ----

  mapValues<K, V, W>(this: DStream<[K, V]>, fn: (value: V) => W): DStream<[K, W]> {
    return this.map(([k, v]) => [k, fn(v)] as [K, W]);
  }

  flatMapValues<K, V, W>(this: DStream<[K, V]>, fn: (value: V) => Iterable<W>): DStream<[K, W]> {
    return this.flatMap(([k, v]) => [...fn(v)].map((w) => [k, w] as [K, W]));
  }

  reduceByKey<K, V>(this: DStream<[K, V]>, fn: (a: V, b: V) => V): DStream<[K, V]> {
    return this.derive(combineNode(this.graph, this.node, 'reduceByKey', reduceValues(fn), pairsOf));
  }

  combineByKey<K, V, C>(this: DStream<[K, V]>, create: (v: V) => C, mergeValue: (c: C, v: V) => C, mergeCombiners: (a: C, b: C) => C): DStream<[K, C]> {
    return this.derive(combineNode(this.graph, this.node, 'combineByKey', byKey(create, mergeValue, mergeCombiners), pairsOf));
  }

  groupByKey<K, V>(this: DStream<[K, V]>): DStream<[K, V[]]> {
    return this.derive(combineNode(this.graph, this.node, 'groupByKey', groupValues<V>(), pairsOf));
  }

  /** Per key, the values of both streams' batches: [k, [vs, ws]]. */
  cogroup<K, V, W>(this: DStream<[K, V]>, other: DStream<[K, W]>): DStream<[K, [V[], W[]]]> {
    return this.derive(cogroupNode(this.graph, [this.node, other.node]));
  }

  join<K, V, W>(this: DStream<[K, V]>, other: DStream<[K, W]>): DStream<[K, [V, W]]> {
    return this.derive(joinNode(this.graph, this.node, other.node, 'inner'));
  }

  leftOuterJoin<K, V, W>(this: DStream<[K, V]>, other: DStream<[K, W]>): DStream<[K, [V, W | null]]> {
    return this.derive(joinNode(this.graph, this.node, other.node, 'leftOuter'));
  }

  rightOuterJoin<K, V, W>(this: DStream<[K, V]>, other: DStream<[K, W]>): DStream<[K, [V | null, W]]> {
    return this.derive(joinNode(this.graph, this.node, other.node, 'rightOuter'));
  }

  fullOuterJoin<K, V, W>(this: DStream<[K, V]>, other: DStream<[K, W]>): DStream<[K, [V | null, W | null]]> {
    return this.derive(joinNode(this.graph, this.node, other.node, 'fullOuter'));
  }

  /** Per key, its values over (T - window, T], oldest first. */
  groupByKeyAndWindow<K, V>(this: DStream<[K, V]>, windowDuration: Duration, slideDuration?: Duration): DStream<[K, V[]]> {
    return this.derive(groupByKeyAndWindowNode<V>(this.graph, this.node, windowDuration, slideDuration));
  }

  /**
   * Per key, its values over the window reduced with fn. With `inverse` each window comes from the
   * previous one at a cost that does not grow with the window; keys whose value returns to zero
   * then stay unless `filter` drops them, as in Spark.
   */
  reduceByKeyAndWindow<K, V>(this: DStream<[K, V]>, fn: (a: V, b: V) => V, windowDuration: Duration, slideDuration?: Duration, options: WindowReduceOptions<K, V> = {}): DStream<[K, V]> {
    return this.derive(reduceByKeyAndWindowNode(this.graph, this.node, fn, windowDuration, slideDuration, options));
  }

  // ---- state ----

  /** Spark's updateStateByKey: the whole keyed state, every batch; fn returning undefined or null removes a key. */
  updateStateByKey<K, V, S>(this: DStream<[K, V]>, fn: UpdateStateFn<K, V, S>, options: UpdateStateOptions<K, S> = {}): DStream<[K, S]> {
    return this.derive(updateStateByKeyNode(this.graph, this.node, fn, options));
  }

  /** Spark's mapWithState: fn per record and per key timing out; the stream is what fn returns. */
  mapWithState<K, V, S, U>(this: DStream<[K, V]>, spec: StateSpec<K, V, S, U>): MapWithStateDStream<K, S, U> {
    const nodes = mapWithStateNodes(this.graph, this.node, spec);
    return Object.assign(this.derive<U>(nodes.mapped), { stateSnapshots: () => this.derive<[K, S]>(nodes.snapshots()) });
  }

  // ---- event time (Structured Streaming's withWatermark) ----

  /**
   * Declares the stream's event time (a function of the record, or "enqueuedTime") and how late
   * events may arrive: the watermark is the highest event time seen, per partition, minus `delay`
   * (the lowest over the partitions that are not idle). It must come before any batch-level operator.
   */
  withWatermark(eventTime: EventTimeOf<T>, delay: Duration, options: WatermarkOptions = {}): EventTimeStream<T> {
    const delayMs = parseDuration(delay);
    if (delayMs === undefined || delayMs < 0) throw new RangeError(`withWatermark delay: ${JSON.stringify(delay)} must be a duration of 0 or more (ms, or "10s", "1m")`);
    const idleMs = options.idlePartitionTimeout === undefined ? this.graph.idlePartitionTimeoutMs : durationMs(options.idlePartitionTimeout, 'withWatermark idlePartitionTimeout');
    const stamped = stampNode(this.graph, this.node, eventTime);
    const tracker = watermarkNode(this.graph, stamped, delayMs, idleMs);
    const declaration = { tracker, delayMs, latePolicy: lateRecordPolicy(options.lateRecords) };
    return new EventTimeStream<T>(this.graph, stamped, declaration, (node) => this.derive(node));
  }

  // ---- outputs ----

  /** Writes each batch through a sink (idempotent per batch for Sluice's own sinks). */
  to(sink: Sink<T>): this {
    this.graph.addOutput(this.node, sink as Sink<unknown>);
    return this;
  }

  /** Spark's saveAsTextFiles: `<prefix>-<batchTimeMs>.ndjson` in the output container. */
  saveAsTextFiles(prefix: string): this {
    return this.to(new BlobSink<T>(prefix));
  }

  /** Upserts one entity per key into the output table. */
  saveToTable<K, V>(this: DStream<[K, V]>, partition?: string): DStream<[K, V]> {
    return this.to(new TableSink<K, V>(partition));
  }

  /** Spark's foreachRDD: at-least-once, since a replayed batch calls fn again. */
  foreachBatch(fn: (records: T[], time: number) => void | Promise<void>): this {
    return this.to(new ForeachSink<T>(fn));
  }
}

export interface WatermarkOptions {
  /** A partition that sent nothing for this long stops holding the watermark back; defaults to SLUICE_IDLE_PARTITION_TIMEOUT. */
  readonly idlePartitionTimeout?: Duration;
  /** Late records are counted and dropped ("drop", the default) or also written to the dead-letter container ("deadLetter"). */
  readonly lateRecords?: LateRecordPolicy;
}

/** What mapWithState returns: the mapped stream, plus the stream of the whole state after each batch. */
export interface MapWithStateDStream<K, S, U> extends DStream<U> {
  stateSnapshots(): DStream<[K, S]>;
}
