import type { Duration } from '../../config/duration.js';
import type { StreamNode } from '../node.js';
import type { StreamGraph } from '../stream-graph.js';
import { readSlices, sliceNode } from './slices.js';

/**
 * Spark's WindowedDStream: at each slide-aligned time T, the parent's batches of (T - window, T],
 * oldest first. Windows at the start are partial. It reads window / parentSlide - 1 persisted
 * slices per emitted batch; reduceByKeyAndWindow with an inverse avoids that growth.
 */
export function windowNode(graph: StreamGraph, parent: StreamNode, window: Duration, slide?: Duration): StreamNode {
  const { windowMs, slideMs } = graph.windowOf(parent.slideMs, window, slide);
  const slices = sliceNode(graph, parent);
  return graph.add({
    id: graph.nextId('window'), kind: 'window', parents: [slices], placement: 'batch', slideMs, rememberMs: windowMs,
    compute: async (ctx) => (await readSlices(ctx, slices, ctx.time - windowMs, ctx.time)).flat(),
  });
}
