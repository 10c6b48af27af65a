import { KeyedMap } from '../keyed.js';
import type { BatchContext, StreamNode } from '../node.js';
import type { StreamGraph } from '../stream-graph.js';
import { readSlices, sliceNode } from './slices.js';

export interface InverseReduce<K, V> {
  readonly reduce: (a: V, b: V) => V;
  readonly inverse: (a: V, b: V) => V;
  /** Keys it rejects leave the window (and its persisted result); without it zero values stay. */
  readonly filter?: (pair: [K, V]) => boolean;
}

/**
 * Spark's ReducedWindowedDStream: the window at T is the window at T - slide, minus the reduced
 * slices that left it (inverse), plus the ones that entered (reduce). The window result and every
 * per-batch reduced slice are persisted by batch time, so a batch reads one previous window and
 * 2 × slide / parentSlide - 1 slices (its own is in memory), however long the window is.
 * `reduced` is the per-batch reduceByKey of the parent.
 */
export function reducedWindowNode<K, V>(graph: StreamGraph, reduced: StreamNode, windowMs: number, slideMs: number, fns: InverseReduce<K, V>): StreamNode {
  const slices = sliceNode(graph, reduced);
  const node: StreamNode = {
    id: graph.nextId('reducedWindow'), kind: 'reducedWindow', parents: [slices], placement: 'batch', slideMs,
    rememberMs: windowMs + slideMs, // the oldest slice read is the one leaving the previous window
    compute: async (ctx) => {
      const window = await slideWindow(ctx, node, slices, windowMs, fns);
      const result = fns.filter ? window.pairs().filter((p) => fns.filter!(p)) : window.pairs();
      await ctx.state.put(node.id, ctx.time, result);
      return result;
    },
  };
  return graph.add(node);
}

async function slideWindow<K, V>(ctx: BatchContext, node: StreamNode, slices: StreamNode, windowMs: number, fns: InverseReduce<K, V>): Promise<KeyedMap<K, V>> {
  const T = ctx.time;
  const previousTime = T - node.slideMs;
  const previous = previousTime <= ctx.zeroTime ? [] : await ctx.state.get<[K, V][]>(node.id, previousTime);
  if (previous === undefined) {
    // The previous batch left no window (it failed and was skipped): rebuild this one from its slices.
    return reduceSlices<K, V>(ctx, node, await readSlices(ctx, slices, T - windowMs, T), fns.reduce);
  }
  const [leaving, entering] = await Promise.all([
    readSlices(ctx, slices, previousTime - windowMs, T - windowMs),
    readSlices(ctx, slices, previousTime, T),
  ]);
  const window = KeyedMap.of(previous);
  for (const [key, old] of reduceSlices<K, V>(ctx, node, leaving, fns.reduce).pairs()) {
    if (!window.has(key)) continue; // a key the filter dropped: nothing left to subtract from
    apply(ctx, node, key, old, () => window.set(key, fns.inverse(window.get(key) as V, old)));
  }
  for (const [key, added] of reduceSlices<K, V>(ctx, node, entering, fns.reduce).pairs()) {
    apply(ctx, node, key, added, () => window.merge(key, added, fns.reduce));
  }
  return window;
}

/** Merges reduced slices per key, oldest first. */
function reduceSlices<K, V>(ctx: BatchContext, node: StreamNode, slices: readonly unknown[][], reduce: (a: V, b: V) => V): KeyedMap<K, V> {
  const merged = new KeyedMap<K, V>();
  for (const slice of slices) {
    for (const [key, value] of slice as [K, V][]) apply(ctx, node, key, value, () => merged.merge(key, value, reduce));
  }
  return merged;
}

/** A user function that throws dead-letters that key's value and leaves the key as it was. */
function apply(ctx: BatchContext, node: StreamNode, key: unknown, value: unknown, change: () => void): void {
  try {
    change();
  } catch (err) {
    ctx.deadLetter(node, [key, value], err);
  }
}
