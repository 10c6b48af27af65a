import type { Duration } from '../../config/duration.js';
import type { StreamNode } from '../node.js';
import type { StreamGraph } from '../stream-graph.js';
import { combineNode } from './combine-node.js';
import { filterNode } from './filter.js';
import { pairsOf, reduceValues } from './keyed-combines.js';
import { reducedWindowNode } from './reduced-window.js';
import { windowNode } from './window.js';

export interface WindowReduceOptions<K, V> {
  /** Undoes fn: inverse(fn(a, b), b) = a. With it each window is computed from the previous one. */
  readonly inverse?: (a: V, b: V) => V;
  /** Keeps only the pairs it accepts (with an inverse, e.g. to drop keys whose value is back to zero). */
  readonly filter?: (pair: [K, V]) => boolean;
}

/**
 * Spark's reduceByKeyAndWindow: each batch is reduced by key (map-side, in tasks), then the
 * reduced batches are windowed. With an inverse, incrementally (ReducedWindowedDStream); without,
 * by reducing every reduced batch of the window again, as Spark does.
 */
export function reduceByKeyAndWindowNode<K, V>(graph: StreamGraph, parent: StreamNode, fn: (a: V, b: V) => V, window: Duration, slide: Duration | undefined, options: WindowReduceOptions<K, V>): StreamNode {
  const { windowMs, slideMs } = graph.windowOf(parent.slideMs, window, slide);
  const perBatch = combineNode(graph, parent, 'reduceByKey', reduceValues(fn), pairsOf);
  if (options.inverse) return reducedWindowNode<K, V>(graph, perBatch, windowMs, slideMs, { reduce: fn, inverse: options.inverse, ...(options.filter && { filter: options.filter }) });
  const reduced = combineNode(graph, windowNode(graph, perBatch, windowMs, slideMs), 'reduceByKey', reduceValues(fn), pairsOf);
  return options.filter ? filterNode(graph, reduced, options.filter) : reduced;
}
