import type { StreamNode } from '../node.js';
import type { StreamGraph } from '../stream-graph.js';

/** Spark's union: the first stream's batch, then the next's, in order. Slides must match. */
export function unionNode(graph: StreamGraph, parents: readonly StreamNode[]): StreamNode {
  const slides = new Set(parents.map((p) => p.slideMs));
  if (slides.size > 1) throw new RangeError(`union needs streams with the same slide duration, got ${[...slides].join(', ')} ms`);
  return graph.add({
    id: graph.nextId('union'), kind: 'union', parents, placement: 'batch', slideMs: parents[0]!.slideMs,
    compute: async (ctx) => (await Promise.all(parents.map((p) => ctx.records(p)))).flat(),
  });
}
