import { ObjectTypePropertyFlags, type BicepType, type ObjectTypeProperty, type TypeReference } from 'bicep-types';
import { Diagnostics, type Loc } from './diagnostic.js';
import { resolve, type TypeFile } from './type-store.js';
import { kindOf, show, type Value } from './values.js';

/** How a type reads in a message. */
export function describeType(file: TypeFile, t: BicepType): string {
  switch (t.type) {
    case 'StringLiteralType':
      return `'${t.value}'`;
    case 'UnionType':
      return t.elements.map((e) => describeType(file, resolve(file, e))).join(' | ');
    case 'ObjectType':
    case 'DiscriminatedObjectType':
      return t.name;
    case 'ArrayType':
      return `${describeType(file, resolve(file, t.itemType))}[]`;
    case 'StringType':
      return 'string';
    case 'IntegerType':
      return 'int';
    case 'BooleanType':
      return 'bool';
    case 'NullType':
      return 'null';
    default:
      return t.type;
  }
}

/** The properties an object type allows for a given value: a discriminated type picks its element. */
export function propertiesOf(
  file: TypeFile,
  t: BicepType,
  value: Value | undefined,
): { props: Record<string, ObjectTypeProperty>; additional?: TypeReference; name: string } | undefined {
  if (t.type === 'ObjectType') return { props: t.properties, ...(t.additionalProperties ? { additional: t.additionalProperties } : {}), name: t.name };
  if (t.type !== 'DiscriminatedObjectType') return undefined;
  const tag = value?.kind === 'object' ? value.props.get(t.discriminator)?.value : undefined;
  const element = tag?.kind === 'string' ? Object.entries(t.elements).find(([k]) => k.toLowerCase() === tag.value.toLowerCase())?.[1] : undefined;
  const chosen = element ? resolve(file, element) : undefined;
  const extra = chosen?.type === 'ObjectType' ? chosen.properties : {};
  return { props: { ...t.baseProperties, ...extra }, name: chosen?.type === 'ObjectType' ? chosen.name : t.name };
}

/** A property by name, matched as ARM matches names: exactly, else ignoring case. */
export function findProperty(props: Record<string, ObjectTypeProperty>, key: string): ObjectTypeProperty | undefined {
  return props[key] ?? Object.entries(props).find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1];
}

const isWritable = (p: ObjectTypeProperty): boolean =>
  (p.flags & ObjectTypePropertyFlags.ReadOnly) === 0 || (p.flags & ObjectTypePropertyFlags.Required) !== 0;

/**
 * Checks a value written into a resource body against the Azure type: properties exist and are
 * writable, required ones are present, kinds match, strings meet length and pattern, integers
 * their range, and literal unions their allowed values. Values known only at deployment are
 * checked for their kind.
 */
export function checkAgainstType(file: TypeFile, ref: TypeReference, value: Value, path: string, at: Loc, out: Diagnostics): void {
  const t = resolve(file, ref);
  const fail = (message: string): void => out.add(at, `${path}: ${message}`);
  if (value.kind === 'symbol') return fail(`expects ${describeType(file, t)}, got the symbol ${value.symbol}`);
  if (t.type === 'AnyType' || (value.kind === 'unknown' && value.of === 'any')) return;
  switch (t.type) {
    case 'StringType':
      if (value.kind === 'unknown') return value.of === 'string' ? undefined : fail(`expects a string, got ${value.of}`);
      if (value.kind !== 'string') return fail(`expects a string, got ${show(value)}`);
      if (t.minLength !== undefined && value.value.length < t.minLength) fail(`${show(value)} is shorter than ${t.minLength} characters`);
      if (t.maxLength !== undefined && value.value.length > t.maxLength) fail(`${show(value)} is longer than ${t.maxLength} characters`);
      if (t.pattern !== undefined && !new RegExp(t.pattern).test(value.value)) fail(`${show(value)} does not match the pattern ${t.pattern}`);
      return;
    case 'StringLiteralType':
      if (value.kind === 'unknown') return value.of === 'string' ? undefined : fail(`expects '${t.value}', got ${value.of}`);
      if (value.kind !== 'string' || value.value !== t.value) fail(`expects '${t.value}', got ${show(value)}`);
      return;
    case 'IntegerType':
      if (value.kind === 'unknown') return value.of === 'int' ? undefined : fail(`expects an int, got ${value.of}`);
      if (value.kind !== 'int') return fail(`expects an int, got ${show(value)}`);
      if (t.minValue !== undefined && value.value < t.minValue) fail(`${value.value} is below the minimum ${t.minValue}`);
      if (t.maxValue !== undefined && value.value > t.maxValue) fail(`${value.value} is above the maximum ${t.maxValue}`);
      return;
    case 'BooleanType':
      if (kindOf(value) !== 'bool') fail(`expects a bool, got ${show(value)}`);
      return;
    case 'NullType':
      if (value.kind !== 'null') fail(`expects null, got ${show(value)}`);
      return;
    case 'UnionType': {
      // A value fits a union when it fits one member; try each against a scratch collector.
      for (const element of t.elements) {
        const scratch = new Diagnostics();
        checkAgainstType(file, element, value, path, at, scratch);
        if (scratch.list.length === 0) return;
      }
      return fail(`${show(value)} is not one of ${describeType(file, t)}`);
    }
    case 'ArrayType':
      if (value.kind === 'unknown') return value.of === 'array' ? undefined : fail(`expects an array, got ${value.of}`);
      if (value.kind !== 'array') return fail(`expects an array, got ${show(value)}`);
      if (t.minLength !== undefined && value.items.length < t.minLength) fail(`has ${value.items.length} items, fewer than ${t.minLength}`);
      if (t.maxLength !== undefined && value.items.length > t.maxLength) fail(`has ${value.items.length} items, more than ${t.maxLength}`);
      value.items.forEach((item, i) => checkAgainstType(file, t.itemType, item.value, `${path}[${i}]`, item.loc, out));
      return;
    case 'ObjectType':
    case 'DiscriminatedObjectType': {
      if (value.kind === 'unknown') return value.of === 'object' ? undefined : fail(`expects an object, got ${value.of}`);
      if (value.kind !== 'object') return fail(`expects an object (${describeType(file, t)}), got ${show(value)}`);
      const shape = propertiesOf(file, t, value);
      if (!shape) return;
      if (t.type === 'DiscriminatedObjectType' && !value.props.has(t.discriminator)) fail(`the required property '${t.discriminator}' is missing`);
      for (const [key, entry] of value.props) {
        const prop = entry.dynamicKey ? undefined : findProperty(shape.props, key);
        const where = `${path}.${key}`;
        if (prop) {
          if (!isWritable(prop)) out.add(entry.loc, `${where}: read-only property of ${shape.name}; Azure sets it`);
          else checkAgainstType(file, prop.type, entry.value, where, entry.loc, out);
        } else if (shape.additional) checkAgainstType(file, shape.additional, entry.value, where, entry.loc, out);
        else if (!entry.dynamicKey) out.add(entry.loc, `${where}: ${shape.name} has no property '${key}'`);
      }
      for (const [key, prop] of Object.entries(shape.props))
        if ((prop.flags & ObjectTypePropertyFlags.Required) !== 0 && ![...value.props.keys()].some((k) => k.toLowerCase() === key.toLowerCase()))
          fail(`the required property '${key}' of ${shape.name} is missing`);
      return;
    }
    default:
      return;
  }
}
