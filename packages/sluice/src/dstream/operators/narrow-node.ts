import type { BatchContext, StreamNode } from '../node.js';
import type { StreamGraph } from '../stream-graph.js';

/**
 * A per-record operator. Under a record node it runs in tasks; under a batch node it runs in
 * commit over the parent's batch. Either way one failing record is dead-lettered, not the batch.
 */
export function narrowNode(graph: StreamGraph, parent: StreamNode, kind: string, process: (record: unknown, emit: (out: unknown) => void) => void): StreamNode {
  const id = graph.nextId(kind);
  if (parent.placement === 'record') return graph.add({ id, kind, parents: [parent], placement: 'record', slideMs: parent.slideMs, process });
  const node: StreamNode = {
    id, kind, parents: [parent], placement: 'batch', slideMs: parent.slideMs, process,
    compute: async (ctx) => applyEach(node, await ctx.records(parent), ctx),
  };
  return graph.add(node);
}

function applyEach(node: StreamNode, records: readonly unknown[], ctx: BatchContext): unknown[] {
  const out: unknown[] = [];
  const emit = (r: unknown) => out.push(r);
  for (const record of records) {
    const mark = out.length;
    try {
      node.process!(record, emit);
    } catch (err) {
      out.length = mark; // a failing record contributes nothing
      ctx.deadLetter(node, record, err);
    }
  }
  return out;
}
