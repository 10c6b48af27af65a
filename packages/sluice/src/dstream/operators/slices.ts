import type { BatchContext, StreamNode } from '../node.js';
import type { StreamGraph } from '../stream-graph.js';

/**
 * Persists every batch of its parent in the StateStore, keyed by batch time: the slices a window
 * reads back. Spark remembers the parent's RDDs for a window's length; here the commit of each
 * batch writes its own slice, so windows survive a restart and a replayed batch rewrites the same
 * slice. It runs at the parent's slide, whether or not the window emits at that batch.
 */
export function sliceNode(graph: StreamGraph, parent: StreamNode): StreamNode {
  const node: StreamNode = {
    id: graph.nextId('slices'), kind: 'slices', parents: [parent], placement: 'batch', slideMs: parent.slideMs,
    compute: async (ctx) => {
      const records = await ctx.records(parent);
      await ctx.state.put(node.id, ctx.time, records);
      return records;
    },
  };
  return graph.add(node);
}

/** The slice of `time`: this commit's own batch from memory, an earlier one from the store. */
export async function readSlice(ctx: BatchContext, slices: StreamNode, time: number): Promise<unknown[]> {
  if (time <= ctx.zeroTime) return []; // windows at the start are partial: nothing before zeroTime
  if (time === ctx.time) return ctx.records(slices);
  return (await ctx.state.get<unknown[]>(slices.id, time)) ?? []; // a skipped batch left no slice
}

/** The slices of (from, to], oldest first, in the slices node's steps; read in parallel. */
export function readSlices(ctx: BatchContext, slices: StreamNode, from: number, to: number): Promise<unknown[][]> {
  const reads: Promise<unknown[]>[] = [];
  for (let t = from + slices.slideMs; t <= to; t += slices.slideMs) reads.push(readSlice(ctx, slices, t));
  return Promise.all(reads);
}
