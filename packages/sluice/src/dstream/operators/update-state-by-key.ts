import { KeyedMap } from '../keyed.js';
import type { StreamNode } from '../node.js';
import type { StreamGraph } from '../stream-graph.js';
import { combineNode } from './combine-node.js';
import { groupValues, pairsOf } from './keyed-combines.js';
import { previousSnapshot } from './previous-snapshot.js';

/** Spark's updateFunc with its time and key: the key's values of this batch and its state; undefined or null removes it. */
export type UpdateStateFn<K, V, S> = (values: V[], state: S | undefined, ctx: { key: K; time: number }) => S | undefined | null;

export interface UpdateStateOptions<K, S> {
  /** The state before the first batch (Spark's initialRDD). */
  readonly initialState?: readonly (readonly [K, S])[];
}

/**
 * Spark's StateDStream: on every batch, fn runs for every key that has state or new values, and
 * the stream is the whole state. Values are grouped map-side in tasks; the state is read from the
 * previous batch's snapshot and this batch's is written, both in the StateStore.
 */
export function updateStateByKeyNode<K, V, S>(graph: StreamGraph, parent: StreamNode, fn: UpdateStateFn<K, V, S>, options: UpdateStateOptions<K, S>): StreamNode {
  const grouped = combineNode(graph, parent, 'groupByKey', groupValues<V>(), pairsOf);
  const initial = (options.initialState ?? []).map(([k, s]) => [k, s] as [K, S]);
  const node: StreamNode = {
    id: graph.nextId('updateStateByKey'), kind: 'updateStateByKey', parents: [grouped], placement: 'batch', slideMs: parent.slideMs,
    rememberMs: parent.slideMs,
    compute: async (ctx) => {
      const [previous, batch] = await Promise.all([previousSnapshot(ctx, node, initial), ctx.records(grouped)]);
      const state = KeyedMap.of(previous);
      const values = KeyedMap.of(batch as [K, V[]][]);
      const next = new KeyedMap<K, S>();
      const update = (key: K) => {
        const vs = values.get(key) ?? [];
        try {
          const s = fn(vs, state.get(key), { key, time: ctx.time });
          if (s !== undefined && s !== null) next.set(key, s);
        } catch (err) {
          ctx.deadLetter(node, [key, vs], err); // the values are dead-lettered; the key keeps its state
          if (state.has(key)) next.set(key, state.get(key) as S);
        }
      };
      for (const [key] of previous) update(key);
      for (const [key] of batch as [K, V[]][]) if (!state.has(key)) update(key);
      const result = next.pairs();
      await ctx.state.put(node.id, ctx.time, result);
      return result;
    },
  };
  return graph.add(node);
}
