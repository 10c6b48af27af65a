import type { StreamNode } from '../node.js';
import type { StreamGraph } from '../stream-graph.js';

/** Spark's union: the first stream's batch, then the next's, in order. Slides must match. */
export function unionNode(graph: StreamGraph, parents: readonly StreamNode[]): StreamNode {
  return graph.add({
    id: graph.nextId('union'), kind: 'union', parents, placement: 'batch', slideMs: graph.sameSlide(parents, 'union'),
    compute: async (ctx) => (await Promise.all(parents.map((p) => ctx.records(p)))).flat(),
  });
}
