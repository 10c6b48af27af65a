import { KeyedMap, keyId } from '../dstream/keyed.js';
import type { MapSideCombine, StreamNode } from '../dstream/node.js';
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
 * One step of an event's evaluation: compute a node's outputs, or run a map-side combine over its
 * parent's. Steps come in the order a lazy, memoised walk from the combines and then the record
 * nodes would take, which is fixed by the graph, so it is worked out once per task, not per event.
 */
type Step =
  | { kind: 'node'; node: StreamNode; slot: number; parent: number; label: string; emit: (r: unknown) => void }
  | { kind: 'combine'; combine: MapSideCombine; main: KeyedMap<unknown, unknown>; parent: number; label: string; index: Map<string, number> };

/** Past this many distinct keys in one event's combine, staged values are found by a map, not a scan. */
const SCAN_LIMIT = 8;

/**
 * Runs the record side of the pipeline over a task's events, one event at a time, like Spark's
 * pipelined iterators. An event is all-or-nothing: if decoding or any operator throws, none of
 * its records count anywhere and the event is returned for dead-lettering.
 *
 * Per event it allocates only what the operators themselves create: each node's output list and
 * the staged combiner updates are buffers reused from event to event, and each record's key id is
 * computed once.
 */
export class TaskStage {
  private readonly records = new Map<StreamNode, unknown[]>();
  private readonly combined = new Map<StreamNode, KeyedMap<unknown, unknown>>();
  private readonly steps: Step[] = [];
  /** Per evaluated node, its outputs for the current event (cleared at each event). */
  private readonly outputs: unknown[][] = [];
  private readonly recordSlots: [unknown[], number][] = [];
  /** Combiner updates of the current event, applied only once the whole event succeeded. */
  private readonly staged: { main: KeyedMap<unknown, unknown>; id: string; key: unknown; value: unknown }[] = [];
  private stagedCount = 0;

  constructor(plan: StagePlan) {
    for (const n of plan.recordNodes) this.records.set(n, []);
    for (const n of plan.combineNodes) this.combined.set(n, new KeyedMap());
    const slots = new Map<StreamNode, number>();
    const need = (node: StreamNode): number => {
      const known = slots.get(node);
      if (known !== undefined) return known;
      const parent = node.decode ? -1 : need(node.parents[0]!);
      const slot = this.outputs.length;
      const out: unknown[] = [];
      this.outputs.push(out);
      slots.set(node, slot);
      const label = node.decode ? `${node.id} (decode)` : node.id;
      this.steps.push({ kind: 'node', node, slot, parent, label, emit: (r) => { out.push(r); } });
      return slot;
    };
    for (const node of plan.combineNodes) {
      const parent = need(node.parents[0]!);
      this.steps.push({ kind: 'combine', combine: node.mapSide!, main: this.combined.get(node)!, parent, label: `${node.id} (combine)`, index: new Map() });
    }
    for (const n of plan.recordNodes) this.recordSlots.push([this.records.get(n)!, need(n)]);
  }

  /** Processes one event; returns the failing operator and error, or undefined on success. */
  process(ref: PartitionRef, event: ReceivedEvent): { operator: string; error: unknown } | undefined {
    for (const out of this.outputs) out.length = 0;
    this.stagedCount = 0;
    let current = 'decode';
    // Event-time operators read the event's partition and enqueued time (EventOrigin).
    const origin = { ref, event };
    try {
      for (const step of this.steps) {
        if (step.kind === 'node') {
          const { node } = step;
          current = step.label;
          if (node.decode) {
            if (node.source === ref.source) this.outputs[step.slot]!.push(node.decode(event));
          } else {
            for (const r of this.outputs[step.parent]!) node.process!(r, step.emit, origin);
          }
        } else {
          current = step.label;
          this.stageCombine(step, this.outputs[step.parent]!);
        }
      }
      // Only now that every function succeeded does the event count.
      for (let i = 0; i < this.stagedCount; i++) {
        const s = this.staged[i]!;
        s.main.setById(s.id, s.key, s.value);
        s.key = s.value = undefined;
      }
      for (const [into, slot] of this.recordSlots) for (const r of this.outputs[slot]!) into.push(r);
      return undefined;
    } catch (error) {
      return { operator: current, error };
    }
  }

  /**
   * Stages combine.create/add for each record, reading this event's staged value before the
   * task's. Most events give a combine one record, so the staged values are scanned, and indexed
   * only when an event brings many keys (a flatMap, say).
   */
  private stageCombine(step: Extract<Step, { kind: 'combine' }>, records: readonly unknown[]): void {
    const { combine, main, index } = step;
    const from = this.stagedCount;
    if (index.size > 0) index.clear();
    for (const r of records) {
      const key = combine.key(r);
      const id = keyId(key);
      let at = -1;
      if (this.stagedCount - from > SCAN_LIMIT) {
        if (index.size === 0) for (let i = from; i < this.stagedCount; i++) index.set(this.staged[i]!.id, i);
        at = index.get(id) ?? -1;
      } else {
        for (let i = from; i < this.stagedCount; i++) {
          if (this.staged[i]!.id === id) {
            at = i;
            break;
          }
        }
      }
      if (at >= 0) {
        const pending = this.staged[at]!;
        pending.value = combine.add(pending.value, r);
        continue;
      }
      const entry = main.entryById(id);
      const value = entry ? combine.add(entry[1], r) : combine.create(r);
      if (index.size > 0) index.set(id, this.stagedCount);
      const slot = this.staged[this.stagedCount];
      if (slot) {
        slot.main = main;
        slot.id = id;
        slot.key = key;
        slot.value = value;
      } else {
        this.staged.push({ main, id, key, value });
      }
      this.stagedCount++;
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
