import { BlobSink } from '../sinks/blob-sink.js';
import { ForeachSink } from '../sinks/foreach-sink.js';
import type { Sink } from '../sinks/sink.js';
import { TableSink } from '../sinks/table-sink.js';
import { KeyedMap } from './keyed.js';
import type { StreamNode } from './node.js';
import { byKey, combineNode } from './operators/combine-node.js';
import { filterNode } from './operators/filter.js';
import { flatMapNode } from './operators/flat-map.js';
import { mapNode } from './operators/map.js';
import { transformNode } from './operators/transform.js';
import { unionNode } from './operators/union.js';
import type { StreamGraph } from './stream-graph.js';

/**
 * A discretized stream: one batch of records per batch interval, as in Spark Streaming. Each
 * method is a one-liner over an operator in ./operators. Records that cross from tasks to the
 * commit, or into state, must be JSON values (Spark asks for Serializable in the same place).
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
    const counting = { key: () => null, create: () => 1, add: (c: unknown) => (c as number) + 1, merge: (a: unknown, b: unknown) => (a as number) + (b as number) };
    return this.derive(combineNode(this.graph, this.node, 'count', counting, (m) => [m.get(null) ?? 0]));
  }

  /** One record per non-empty batch: its records reduced with fn. */
  reduce(fn: (a: T, b: T) => T): DStream<T> {
    const reducing = { key: () => null, create: (r: unknown) => r, add: (c: unknown, r: unknown) => fn(c as T, r as T), merge: (a: unknown, b: unknown) => fn(a as T, b as T) };
    return this.derive(combineNode(this.graph, this.node, 'reduce', reducing, (m) => (m.size ? [m.get(null)] : [])));
  }

  countByValue(): DStream<[T, number]> {
    const counting = { key: (r: unknown) => r, create: () => 1, add: (c: unknown) => (c as number) + 1, merge: (a: unknown, b: unknown) => (a as number) + (b as number) };
    return this.derive(combineNode(this.graph, this.node, 'countByValue', counting, (m) => m.pairs()));
  }

  transform<U>(fn: (batch: T[], time: number) => U[] | Promise<U[]>): DStream<U> {
    return this.derive(transformNode(this.graph, [this.node], (batches, time) => fn(batches[0] as T[], time)));
  }

  // ---- pair-stream operations (Spark's PairDStreamFunctions) ----

  mapValues<K, V, W>(this: DStream<[K, V]>, fn: (value: V) => W): DStream<[K, W]> {
    return this.map(([k, v]) => [k, fn(v)] as [K, W]);
  }

  flatMapValues<K, V, W>(this: DStream<[K, V]>, fn: (value: V) => Iterable<W>): DStream<[K, W]> {
    return this.flatMap(([k, v]) => [...fn(v)].map((w) => [k, w] as [K, W]));
  }

  reduceByKey<K, V>(this: DStream<[K, V]>, fn: (a: V, b: V) => V): DStream<[K, V]> {
    return this.derive(combineNode(this.graph, this.node, 'reduceByKey', byKey<V, V>((v) => v, fn, fn), pairsOf));
  }

  combineByKey<K, V, C>(this: DStream<[K, V]>, create: (v: V) => C, mergeValue: (c: C, v: V) => C, mergeCombiners: (a: C, b: C) => C): DStream<[K, C]> {
    return this.derive(combineNode(this.graph, this.node, 'combineByKey', byKey(create, mergeValue, mergeCombiners), pairsOf));
  }

  groupByKey<K, V>(this: DStream<[K, V]>): DStream<[K, V[]]> {
    return this.combineByKey<K, V, V[]>((v) => [v], (c, v) => [...c, v], (a, b) => [...a, ...b]);
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

function pairsOf(merged: KeyedMap<unknown, unknown>): unknown[] {
  return merged.pairs();
}
