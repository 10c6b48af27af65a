import type { StreamNode } from '../node.js';
import type { StreamGraph } from '../stream-graph.js';

/** Spark's transform / transformWith: a whole-batch function of one or more streams' batches. */
export function transformNode(graph: StreamGraph, parents: readonly StreamNode[], fn: (batches: unknown[][], time: number) => unknown[] | Promise<unknown[]>): StreamNode {
  return graph.add({
    id: graph.nextId('transform'), kind: 'transform', parents, placement: 'batch', slideMs: graph.sameSlide(parents, 'transformWith'),
    compute: async (ctx) => [...(await fn(await Promise.all(parents.map((p) => ctx.records(p))), ctx.time))],
  });
}
