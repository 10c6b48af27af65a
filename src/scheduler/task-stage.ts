import { KeyedMap } from '../dstream/keyed.js';
import type { StreamNode } from '../dstream/node.js';
import type { StreamGraph } from '../dstream/stream-graph.js';
import type { PartitionRef } from '../partitions/partition-ref.js';
import type { ReceivedEvent } from '../receiver/received-event.js';

/** Which record nodes' batches and which map-side combines the tasks must produce. */
export interface StagePlan {
  readonly recordNodes: readonly StreamNode[];
  readonly combineNodes: readonly StreamNode[];
}

/**
 * The cut between tasks and commit: a record node goes to the commit whole when a batch node
 * without a map-side combine, or an output, reads it; a batch node with a map-side combine over a
 * record node gets combiners instead (Spark's stage boundary at a shuffle).
 */
export function planStages(graph: StreamGraph): StagePlan {
  const recordNodes = new Set<StreamNode>();
  const combineNodes: StreamNode[] = [];
  for (const node of graph.nodes) {
    if (node.placement !== 'batch') continue;
    if (node.mapSide) combineNodes.push(node);
    else for (const p of node.parents) if (p.placement === 'record') recordNodes.add(p);
  }
  for (const output of graph.outputs) if (output.stream.placement === 'record') recordNodes.add(output.stream);
  return { recordNodes: graph.nodes.filter((n) => recordNodes.has(n)), combineNodes };
}

/**
 * Runs the record side of the pipeline over a task's events, one event at a time, like Spark's
 * pipelined iterators. An event is all-or-nothing: if decoding or any operator throws, none of
 * its records count anywhere and the event is returned for dead-lettering.
 */
export class TaskStage {
  private readonly records = new Map<StreamNode, unknown[]>();
  private readonly combined = new Map<StreamNode, KeyedMap<unknown, unknown>>();

  constructor(private readonly plan: StagePlan) {
    for (const n of plan.recordNodes) this.records.set(n, []);
    for (const n of plan.combineNodes) this.combined.set(n, new KeyedMap());
  }

  /** Processes one event; returns the failing operator and error, or undefined on success. */
  process(ref: PartitionRef, event: ReceivedEvent): { operator: string; error: unknown } | undefined {
    const memo = new Map<StreamNode, unknown[]>();
    let current = 'decode';
    const outputsOf = (node: StreamNode): unknown[] => {
      const known = memo.get(node);
      if (known) return known;
      let out: unknown[];
      if (node.decode) {
        current = `${node.id} (decode)`;
        out = node.source === ref.source ? [node.decode(event)] : [];
      } else {
        const input = outputsOf(node.parents[0]!);
        current = node.id;
        out = [];
        const emit = (r: unknown) => out.push(r);
        for (const r of input) node.process!(r, emit, { ref, event });
      }
      memo.set(node, out);
      return out;
    };
    try {
      const staged: [KeyedMap<unknown, unknown>, StreamNode, KeyedMap<unknown, unknown>][] = [];
      for (const node of this.plan.combineNodes) {
        const combine = node.mapSide!;
        const main = this.combined.get(node)!;
        const overlay = new KeyedMap<unknown, unknown>();
        const parentOut = outputsOf(node.parents[0]!);
        current = `${node.id} (combine)`;
        for (const r of parentOut) {
          const key = combine.key(r);
          const base = overlay.has(key) ? overlay.get(key) : main.has(key) ? main.get(key) : undefined;
          overlay.set(key, overlay.has(key) || main.has(key) ? combine.add(base, r) : combine.create(r));
        }
        staged.push([main, node, overlay]);
      }
      const recordOutputs = this.plan.recordNodes.map((n) => [n, outputsOf(n)] as const);
      // Only now that every function succeeded does the event count.
      for (const [main, , overlay] of staged) for (const [k, v] of overlay.pairs()) main.set(k, v);
      for (const [n, out] of recordOutputs) {
        const into = this.records.get(n)!;
        for (const r of out) into.push(r);
      }
      return undefined;
    } catch (error) {
      return { operator: current, error };
    }
  }

  get recordsOut(): number {
    let n = 0;
    for (const list of this.records.values()) n += list.length;
    for (const map of this.combined.values()) n += map.size;
    return n;
  }

  result(): { records: Record<string, unknown[]>; combined: Record<string, [unknown, unknown][]> } {
    return {
      records: Object.fromEntries([...this.records].map(([n, list]) => [n.id, list])),
      combined: Object.fromEntries([...this.combined].map(([n, map]) => [n.id, map.pairs()])),
    };
  }
}
