import type { Duration } from '../../config/duration.js';
import type { StreamNode } from '../node.js';
import type { StreamGraph } from '../stream-graph.js';
import { byKey, combineNode } from './combine-node.js';
import { groupValues, pairsOf } from './keyed-combines.js';
import { windowNode } from './window.js';

/**
 * Spark's groupByKeyAndWindow: each batch is grouped by key (map-side), the groups are windowed,
 * and a key's groups are concatenated oldest first. Runs in commit after the first grouping.
 */
export function groupByKeyAndWindowNode<V>(graph: StreamGraph, parent: StreamNode, window: Duration, slide?: Duration): StreamNode {
  const grouped = combineNode(graph, parent, 'groupByKey', groupValues<V>(), pairsOf);
  // The commit owns these combiners (create copies), so appending in place is safe and linear.
  const concat = byKey<V[], V[]>((vs) => [...vs], (c, vs) => (c.push(...vs), c), (a, b) => (a.push(...b), a));
  return combineNode(graph, windowNode(graph, grouped, window, slide), 'groupByKeyAndWindow', concat, pairsOf);
}
