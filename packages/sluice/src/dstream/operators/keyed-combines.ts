import type { KeyedMap } from '../keyed.js';
import type { MapSideCombine } from '../node.js';
import { byKey } from './combine-node.js';

/**
 * The keyed combines behind count, countByValue, reduce, reduceByKey and groupByKey: what each
 * task combines map-side and the commit merges (Spark builds them all on combineByKey).
 */
export const countAll: MapSideCombine = { key: () => null, create: () => 1, add: (c) => (c as number) + 1, merge: (a, b) => (a as number) + (b as number) };

export const countValues: MapSideCombine = { key: (r) => r, create: () => 1, add: (c) => (c as number) + 1, merge: (a, b) => (a as number) + (b as number) };

export function reduceAll<T>(fn: (a: T, b: T) => T): MapSideCombine {
  return { key: () => null, create: (r) => r, add: (c, r) => fn(c as T, r as T), merge: (a, b) => fn(a as T, b as T) };
}

export function reduceValues<V>(fn: (a: V, b: V) => V): MapSideCombine {
  return byKey<V, V>((v) => v, fn, fn);
}

/** Values in arrival order; never mutates a combiner, as a task may still drop the event that added to it. */
export function groupValues<V>(): MapSideCombine {
  return byKey<V, V[]>((v) => [v], (c, v) => [...c, v], (a, b) => [...a, ...b]);
}

/** The finish of keyed combines: one [key, combiner] pair per key. */
export function pairsOf(merged: KeyedMap<unknown, unknown>): unknown[] {
  return merged.pairs();
}
