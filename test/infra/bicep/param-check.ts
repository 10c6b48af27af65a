import type { Diagnostics, Loc } from './diagnostic.js';
import { kindOf, sameValue, show, type Value } from './values.js';

/** A parameter's declared type and its limits (@allowed, @minValue, @maxValue, @minLength, @maxLength). */
export interface ParamRules {
  readonly type: string;
  readonly nullable: boolean;
  readonly allowed?: readonly Value[];
  readonly minValue?: number;
  readonly maxValue?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
}

const PRIMITIVE = new Set(['string', 'int', 'bool', 'object', 'array']);

/** Checks a value given to a parameter: its kind, then its limits when the value is known. */
export function checkParamValue(label: string, rules: ParamRules, value: Value, at: Loc, out: Diagnostics): void {
  const fail = (message: string): void => out.add(at, `${label}: ${message}`);
  if (value.kind === 'null') {
    if (!rules.nullable) fail(`null is not allowed for a ${rules.type} parameter`);
    return;
  }
  const kind = kindOf(value);
  if (PRIMITIVE.has(rules.type) && kind !== 'any' && kind !== rules.type) return fail(`expects ${rules.type}, got ${show(value)}`);
  if (rules.allowed) {
    // For an array parameter, @allowed limits each item, as Bicep does.
    const candidates = value.kind === 'array' ? value.items.map((i) => i.value) : [value];
    for (const c of candidates) {
      const hits = rules.allowed.map((a) => sameValue(a, c));
      if (hits.every((h) => h === false)) fail(`${show(c)} is not allowed; allowed: ${rules.allowed.map(show).join(', ')}`);
    }
  }
  if (value.kind === 'int') {
    if (rules.minValue !== undefined && value.value < rules.minValue) fail(`${value.value} is below @minValue(${rules.minValue})`);
    if (rules.maxValue !== undefined && value.value > rules.maxValue) fail(`${value.value} is above @maxValue(${rules.maxValue})`);
  }
  const length = value.kind === 'string' ? value.value.length : value.kind === 'array' ? value.items.length : undefined;
  if (length !== undefined) {
    if (rules.minLength !== undefined && length < rules.minLength) fail(`${show(value)} is shorter than @minLength(${rules.minLength})`);
    if (rules.maxLength !== undefined && length > rules.maxLength) fail(`${show(value)} is longer than @maxLength(${rules.maxLength})`);
  }
}
