import type { BatchContext, StreamNode } from '../node.js';

/**
 * A state node's snapshot from its previous batch, or `initial` at the stream's first batch. It
 * reads only an earlier time, so a replayed batch computes the same state. When that snapshot is
 * missing (its batch failed and was skipped), the newest earlier one carries the state over.
 */
export async function previousSnapshot<T>(ctx: BatchContext, node: StreamNode, initial: T): Promise<T> {
  const previousTime = ctx.time - node.slideMs;
  if (previousTime <= ctx.zeroTime) return initial;
  const saved = await ctx.state.get<T>(node.id, previousTime);
  if (saved !== undefined) return saved;
  return (await ctx.state.latestBefore<T>(node.id, previousTime))?.value ?? initial;
}
