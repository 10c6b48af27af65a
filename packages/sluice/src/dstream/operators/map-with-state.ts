import { durationMs, type Duration } from '../../config/duration.js';
import { KeyedMap } from '../keyed.js';
import type { BatchContext, StreamNode } from '../node.js';
import { State } from '../state.js';
import type { StreamGraph } from '../stream-graph.js';
import { narrowNode } from './narrow-node.js';
import { previousSnapshot } from './previous-snapshot.js';

/** Spark's StateSpec. */
export interface StateSpec<K, V, S, U> {
  /** Called per record, in order, and once for a key timing out (value undefined). Undefined is not emitted. */
  readonly fn: (key: K, value: V | undefined, state: State<S>, time: number) => U | undefined;
  /** A key that gets no data for this long is timed out: one last call, then its state is removed. */
  readonly timeout?: Duration;
  readonly initialState?: readonly (readonly [K, S])[];
}

/** A key's state and the batch time it last got data (for timeouts), as persisted. */
type Entry = [key: unknown, state: unknown, updatedAt: number];

/** One batch of the internal stream: Spark's MapWithStateRDDRecord. It stays in the commit's memory. */
interface MapWithStateBatch {
  readonly mapped: unknown[];
  readonly state: Entry[];
}

/**
 * Spark's MapWithStateDStream: an internal batch node updates the keyed state from this batch's
 * records and timeouts and persists it; the mapped stream and stateSnapshots() both read that
 * node's one record. The snapshots node is made only when asked for.
 */
export function mapWithStateNodes<K, V, S, U>(graph: StreamGraph, parent: StreamNode, spec: StateSpec<K, V, S, U>): { mapped: StreamNode; snapshots: () => StreamNode } {
  const timeoutMs = spec.timeout === undefined ? undefined : durationMs(spec.timeout, 'mapWithState timeout');
  const internal: StreamNode = graph.add({
    id: graph.nextId('mapWithStateInternal'), kind: 'mapWithStateInternal', parents: [parent], placement: 'batch', slideMs: parent.slideMs,
    rememberMs: parent.slideMs,
    compute: async (ctx) => [await mapBatch(ctx, internal, parent, spec, timeoutMs)],
  });
  const mapped = narrowNode(graph, internal, 'mapWithState', (batch, emit) => (batch as MapWithStateBatch).mapped.forEach((r) => emit(r)));
  let snapshots: StreamNode | undefined;
  const stateSnapshots = () => narrowNode(graph, internal, 'stateSnapshots', (batch, emit) => (batch as MapWithStateBatch).state.forEach(([k, s]) => emit([k, s])));
  return { mapped, snapshots: () => (snapshots ??= stateSnapshots()) };
}

async function mapBatch<K, V, S, U>(ctx: BatchContext, node: StreamNode, parent: StreamNode, spec: StateSpec<K, V, S, U>, timeoutMs: number | undefined): Promise<MapWithStateBatch> {
  // Initial state counts as updated at the first batch, as in Spark.
  const initial: Entry[] = (spec.initialState ?? []).map(([k, s]) => [k, s, ctx.time]);
  const states = new KeyedMap<K, { state: S; at: number }>();
  for (const [k, state, at] of await previousSnapshot(ctx, node, initial)) states.set(k as K, { state: state as S, at });
  const mapped: unknown[] = [];
  for (const record of await ctx.records(parent)) {
    try {
      const [key, value] = record as [K, V];
      const existing = states.get(key);
      const state = new State<S>(existing && { value: existing.state });
      const out = spec.fn(key, value, state, ctx.time);
      if (state.isRemoved()) states.delete(key);
      // With a timeout, data alone keeps a key alive even when fn leaves its state as is.
      else if (state.isUpdated() || (state.exists() && timeoutMs !== undefined)) states.set(key, { state: state.get(), at: ctx.time });
      if (out !== undefined) mapped.push(out);
    } catch (err) {
      ctx.deadLetter(node, record, err);
    }
  }
  if (timeoutMs !== undefined) {
    for (const [key, { state, at }] of states.pairs()) {
      if (ctx.time - at < timeoutMs) continue;
      try {
        const out = spec.fn(key, undefined, new State<S>({ value: state }, true), ctx.time);
        if (out !== undefined) mapped.push(out);
      } catch (err) {
        ctx.deadLetter(node, [key, state], err);
      }
      states.delete(key);
    }
  }
  const entries = states.pairs().map(([k, { state, at }]): Entry => [k, state, at]);
  await ctx.state.put(node.id, ctx.time, entries);
  return { mapped, state: entries };
}
