import type { EntityValue } from '../ports/entity-table.js';

/** Table string properties hold 64 KiB (32K UTF-16 characters): longer JSON spans several columns. */
const COLUMN_CHARS = 30_000;

export function toColumns(prefix: string, value: unknown): Record<string, EntityValue> {
  const json = JSON.stringify(value);
  const out: Record<string, EntityValue> = { [`${prefix}Parts`]: Math.max(1, Math.ceil(json.length / COLUMN_CHARS)) };
  for (let i = 0, part = 0; i < Math.max(1, json.length); i += COLUMN_CHARS, part++) out[`${prefix}${part}`] = json.slice(i, i + COLUMN_CHARS);
  return out;
}

export function fromColumns<T>(prefix: string, entity: Readonly<Record<string, EntityValue>>): T | undefined {
  const parts = entity[`${prefix}Parts`];
  if (typeof parts !== 'number') return undefined;
  let json = '';
  for (let i = 0; i < parts; i++) json += String(entity[`${prefix}${i}`] ?? '');
  return JSON.parse(json) as T;
}
