import { KeyedMap } from '../keyed.js';
import type { BatchContext, MapSideCombine, StreamNode } from '../node.js';
import type { StreamGraph } from '../stream-graph.js';

/**
 * A keyed combine (Spark's combineByKey and everything built on it: reduceByKey, count,
 * countByValue, reduce, groupByKey). Over a record node the combine runs map-side in each task and
 * only combiners cross to the commit; over a batch node it runs in the commit.
 */
export function combineNode(
  graph: StreamGraph,
  parent: StreamNode,
  kind: string,
  combine: MapSideCombine,
  finish: (merged: KeyedMap<unknown, unknown>) => unknown[],
): StreamNode {
  const node: StreamNode = {
    id: graph.nextId(kind), kind, parents: [parent], placement: 'batch', slideMs: parent.slideMs,
    ...(parent.placement === 'record' && { mapSide: combine }),
    compute: async (ctx) => finish(parent.placement === 'record' ? ctx.combined(node) : combineAll(node, combine, await ctx.records(parent), ctx)),
  };
  return graph.add(node);
}

/** The combine over a whole batch in the commit; a record whose functions throw is dead-lettered. */
export function combineAll(node: StreamNode, combine: MapSideCombine, records: readonly unknown[], ctx: BatchContext): KeyedMap<unknown, unknown> {
  const merged = new KeyedMap<unknown, unknown>();
  for (const record of records) {
    try {
      const key = combine.key(record);
      merged.set(key, merged.has(key) ? combine.add(merged.get(key), record) : combine.create(record));
    } catch (err) {
      ctx.deadLetter(node, record, err);
    }
  }
  return merged;
}

/** The combine of pair records by their key: reduceByKey and combineByKey. */
export function byKey<V, C>(create: (v: V) => C, add: (c: C, v: V) => C, merge: (a: C, b: C) => C): MapSideCombine {
  return {
    key: (r) => (r as [unknown, V])[0],
    create: (r) => create((r as [unknown, V])[1]),
    add: (c, r) => add(c as C, (r as [unknown, V])[1]),
    merge: (a, b) => merge(a as C, b as C),
  };
}
