import { KeyedMap } from '../keyed.js';
import type { StreamNode } from '../node.js';
import type { StreamGraph } from '../stream-graph.js';

/** Spark's cogroup, run in commit: per key, each stream's values of the batch in order, [k, [vs, ws]]. */
export function cogroupNode(graph: StreamGraph, parents: readonly StreamNode[]): StreamNode {
  const node: StreamNode = {
    id: graph.nextId('cogroup'), kind: 'cogroup', parents, placement: 'batch', slideMs: graph.sameSlide(parents, 'cogroup'),
    compute: async (ctx) => {
      const groups = new KeyedMap<unknown, unknown[][]>();
      for (const [i, batch] of (await Promise.all(parents.map((p) => ctx.records(p)))).entries()) {
        for (const record of batch) {
          try {
            const [key, value] = record as [unknown, unknown];
            let group = groups.get(key);
            if (!group) groups.set(key, (group = parents.map(() => [])));
            group[i]!.push(value);
          } catch (err) {
            ctx.deadLetter(node, record, err); // not a [key, value] pair
          }
        }
      }
      return groups.pairs();
    },
  };
  return graph.add(node);
}
