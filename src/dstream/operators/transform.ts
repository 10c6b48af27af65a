import type { StreamNode } from '../node.js';
import type { StreamGraph } from '../stream-graph.js';

/** Spark's transform / transformWith: a whole-batch function of one or more streams' batches. */
export function transformNode(graph: StreamGraph, parents: readonly StreamNode[], fn: (batches: unknown[][], time: number) => unknown[] | Promise<unknown[]>): StreamNode {
  const slides = new Set(parents.map((p) => p.slideMs));
  if (slides.size > 1) throw new RangeError(`transformWith needs streams with the same slide duration, got ${[...slides].join(', ')} ms`);
  return graph.add({
    id: graph.nextId('transform'), kind: 'transform', parents, placement: 'batch', slideMs: parents[0]!.slideMs,
    compute: async (ctx) => [...(await fn(await Promise.all(parents.map((p) => ctx.records(p))), ctx.time))],
  });
}
