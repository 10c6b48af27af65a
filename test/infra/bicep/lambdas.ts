import type { Loc } from './diagnostic.js';
import { show, str, unknown, type Entry, type Value } from './values.js';

/** A lambda argument, evaluated with its parameters bound to the given values. */
export type Lambda = (...args: Value[]) => Value;

/**
 * Bicep's functions that take lambdas (learn.microsoft.com/azure/azure-resource-manager/bicep/
 * bicep-functions-lambda): the lambda is called per item, as ARM does, when the input is known.
 */
export const LAMBDA_FUNCTIONS: ReadonlySet<string> = new Set(['filter', 'groupBy', 'map', 'mapValue', 'reduce', 'sort', 'toObject']);

/** Evaluates a lambda-taking call; `report` names a wrong argument at the call. */
export function callWithLambdas(name: string, args: readonly (Value | Lambda)[], at: Loc, report: (message: string) => void): Value {
  const lambdaAt = (i: number): Lambda | undefined => {
    const a = args[i];
    if (typeof a === 'function') return a;
    report(`${name}(): argument ${i + 1} must be a lambda, got ${a ? show(a) : 'nothing'}`);
    return undefined;
  };
  const input = args[0];
  if (typeof input === 'function') {
    report(`${name}(): its first argument is the input, not a lambda`);
    return unknown();
  }
  const items: readonly Entry[] | undefined = input?.kind === 'array' ? input.items : undefined;
  // An input known only at deployment: call each lambda once with unknown values, so its body is still checked.
  const blind = (...lambdas: (Lambda | undefined)[]): Value => {
    for (const l of lambdas) l?.(unknown(), unknown(), unknown());
    return unknown(name === 'toObject' || name === 'groupBy' || name === 'mapValue' ? 'object' : name === 'reduce' ? 'any' : 'array');
  };
  const entry = (value: Value): Entry => ({ value, loc: at });
  const index = (i: number): Value => ({ kind: 'int', value: i });
  switch (name) {
    case 'map': {
      const f = lambdaAt(1);
      if (!f || !items) return blind(f);
      return { kind: 'array', items: items.map((e, i) => entry(f(e.value, index(i)))) };
    }
    case 'filter': {
      const f = lambdaAt(1);
      if (!f || !items) return blind(f);
      const kept: Entry[] = [];
      for (const [i, e] of items.entries()) {
        const keep = f(e.value, index(i));
        if (keep.kind === 'bool') {
          if (keep.value) kept.push(e);
        } else if (keep.kind !== 'unknown') report(`filter(): the lambda must return a bool, got ${show(keep)}`);
        else return unknown('array');
      }
      return { kind: 'array', items: kept };
    }
    case 'reduce': {
      const initial = args[1];
      const f = lambdaAt(2);
      if (typeof initial === 'function' || initial === undefined) {
        report('reduce(): its second argument is the initial value');
        return unknown();
      }
      if (!f || !items) return blind(f);
      return items.reduce<Value>((acc, e, i) => f(acc, e.value, index(i)), initial);
    }
    case 'toObject': {
      const key = lambdaAt(1);
      const value = args[2] === undefined ? undefined : lambdaAt(2);
      if (!key || !items) return blind(key, value);
      const props = new Map<string, Entry>();
      for (const e of items) {
        const k = key(e.value);
        if (k.kind !== 'string') return unknown('object');
        props.set(k.value, entry(value ? value(e.value) : e.value));
      }
      return { kind: 'object', props };
    }
    case 'mapValue': {
      const f = lambdaAt(1);
      if (!f || input?.kind !== 'object') return blind(f);
      return { kind: 'object', props: new Map([...input.props].map(([k, e]) => [k, entry(f(e.value))])) };
    }
    default: {
      // sort and groupBy: the lambdas are checked, the result is left to deployment.
      return blind(...args.slice(1).map((a) => (typeof a === 'function' ? a : undefined)));
    }
  }
}

/** `items(object)`: its entries as `{ key, value }`, sorted by key as ARM returns them. */
export function itemsOf(object: Value, at: Loc): Value {
  if (object.kind !== 'object') return unknown('array');
  const keys = [...object.props.keys()].sort((a, b) => a.localeCompare(b));
  return {
    kind: 'array',
    items: keys.map((k) => ({
      value: { kind: 'object', props: new Map<string, Entry>([['key', { value: str(k), loc: at }], ['value', object.props.get(k)!]]) },
      loc: at,
    })),
  };
}

/** `flatten(array of arrays)`. */
export function flattenOf(array: Value, report: (message: string) => void): Value {
  if (array.kind !== 'array') return unknown('array');
  const items: Entry[] = [];
  for (const e of array.items) {
    if (e.value.kind === 'array') items.push(...e.value.items);
    else if (e.value.kind === 'unknown') return unknown('array');
    else report(`flatten(): every item must be an array, got ${show(e.value)}`);
  }
  return { kind: 'array', items };
}
