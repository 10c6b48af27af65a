import type { TypeReference } from 'bicep-types';
import type { Loc } from './diagnostic.js';
import type { TypeFile } from './type-store.js';

/** A primitive Bicep kind, or `any` when nothing is known. */
export type Kind = 'string' | 'int' | 'bool' | 'object' | 'array' | 'any';

/** An Azure type that a value known only at deployment time carries, so reads from it can be checked. */
export interface AzureTypeRef {
  readonly file: TypeFile;
  readonly ref: TypeReference;
}

/** A value, with where each object property and array item was written. */
export type Value =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'null' }
  | { readonly kind: 'array'; readonly items: readonly Entry[] }
  | { readonly kind: 'object'; readonly props: ReadonlyMap<string, Entry> }
  // Known only when ARM deploys (a resource id, a module output): its kind, and its Azure type when read from a resource.
  | { readonly kind: 'unknown'; readonly of: Kind; readonly azureType?: AzureTypeRef }
  // A resource or module symbol used as a value (parent, scope, dependsOn); `index` picks one instance of a loop.
  | { readonly kind: 'symbol'; readonly symbol: string; readonly what: 'resource' | 'module' | 'collection'; readonly index?: number };

/** An object property or array item. `dynamicKey` marks a property whose name is computed at deployment time. */
export interface Entry {
  readonly value: Value;
  readonly loc: Loc;
  readonly dynamicKey?: boolean;
}

export const unknown = (of: Kind = 'any', azureType?: AzureTypeRef): Value =>
  azureType ? { kind: 'unknown', of, azureType } : { kind: 'unknown', of };
export const str = (value: string): Value => ({ kind: 'string', value });

/** The Bicep kind of a value. */
export function kindOf(v: Value): Kind | 'null' | 'symbol' {
  return v.kind === 'unknown' ? v.of : v.kind;
}

/** Bicep's rendering of a value in messages. */
export function show(v: Value): string {
  switch (v.kind) {
    case 'string':
      return `'${v.value}'`;
    case 'int':
    case 'bool':
      return String(v.value);
    case 'null':
      return 'null';
    case 'array':
      return `[${v.items.map((i) => show(i.value)).join(', ')}]`;
    case 'object':
      return `{ ${[...v.props].map(([k, e]) => `${k}: ${show(e.value)}`).join(', ')} }`;
    case 'unknown':
      return `<${v.of} known at deployment>`;
    case 'symbol':
      return v.symbol;
  }
}

/** Equality of known values (for `==`, @allowed and contains); undefined when either side is not known. */
export function sameValue(a: Value, b: Value): boolean | undefined {
  if (a.kind === 'unknown' || b.kind === 'unknown' || a.kind === 'symbol' || b.kind === 'symbol') return undefined;
  if (a.kind !== b.kind) return false;
  if (a.kind === 'string' || a.kind === 'int' || a.kind === 'bool') return a.value === (b as typeof a).value;
  if (a.kind === 'null') return true;
  if (a.kind === 'array' && b.kind === 'array') {
    if (a.items.length !== b.items.length) return false;
    let all: boolean | undefined = true;
    a.items.forEach((e, i) => {
      const same = sameValue(e.value, b.items[i]!.value);
      all = same === false ? false : all === false ? false : same === undefined ? undefined : all;
    });
    return all;
  }
  if (a.kind === 'object' && b.kind === 'object') {
    if (a.props.size !== b.props.size) return false;
    let all: boolean | undefined = true;
    for (const [k, e] of a.props) {
      const other = b.props.get(k);
      const same = other ? sameValue(e.value, other.value) : false;
      all = same === false ? false : all === false ? false : same === undefined ? undefined : all;
    }
    return all;
  }
  return false;
}

/** A JSON value (a parameters file, an override, loadJsonContent) as a checker value, every entry written at `loc`. */
export function fromJson(json: unknown, loc: Loc): Value {
  if (typeof json === 'string') return str(json);
  if (typeof json === 'number') return { kind: 'int', value: json };
  if (typeof json === 'boolean') return { kind: 'bool', value: json };
  if (json === null) return { kind: 'null' };
  if (Array.isArray(json)) return { kind: 'array', items: json.map((j) => ({ value: fromJson(j, loc), loc })) };
  return { kind: 'object', props: new Map(Object.entries(json as object).map(([k, v]) => [k, { value: fromJson(v, loc), loc }])) };
}
