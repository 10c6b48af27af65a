/**
 * A user aggregation over a window's values: a zero, how a value joins an accumulator, how two
 * accumulators merge (tasks pre-aggregate, sessions merge) and, optionally, the result. Accumulators
 * are kept in the state store, so they must be JSON values.
 */
export interface Aggregation<V, A, R = A> {
  readonly zero: () => A;
  readonly add: (acc: A, value: V) => A;
  readonly merge: (a: A, b: A) => A;
  readonly finish?: (acc: A) => R;
}

/** The internal form: create from a first value, so reduce needs no zero. */
export interface Aggregator {
  create(value: unknown): unknown;
  add(acc: unknown, value: unknown): unknown;
  merge(a: unknown, b: unknown): unknown;
  finish(acc: unknown): unknown;
}

export const countAggregator: Aggregator = { create: () => 1, add: (n) => (n as number) + 1, merge: (a, b) => (a as number) + (b as number), finish: (n) => n };

export function reduceAggregator<V>(fn: (a: V, b: V) => V): Aggregator {
  return { create: (v) => v, add: (a, v) => fn(a as V, v as V), merge: (a, b) => fn(a as V, b as V), finish: (a) => a };
}

export function fromAggregation<V, A, R>(agg: Aggregation<V, A, R>): Aggregator {
  for (const f of ['zero', 'add', 'merge'] as const) {
    if (typeof agg?.[f] !== 'function') throw new TypeError(`aggregate: "${f}" must be a function`);
  }
  return {
    create: (v) => agg.add(agg.zero(), v as V),
    add: (a, v) => agg.add(a as A, v as V),
    merge: (a, b) => agg.merge(a as A, b as A),
    finish: (a) => (agg.finish ? agg.finish(a as A) : a),
  };
}
