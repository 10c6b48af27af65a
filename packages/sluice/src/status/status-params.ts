import { BadParameterError } from './status-errors.js';

/** The largest page of batches one request returns: keeps every request a bounded range read. */
export const MAX_BATCH_PAGE = 500;
export const DEFAULT_BATCH_PAGE = 20;
export const MAX_DEAD_LETTERS = 200;
export const DEFAULT_DEAD_LETTERS = 20;

/** A query parameter read at most once; repeating it is ambiguous, so it is refused. */
function single(query: URLSearchParams, name: string): string | undefined {
  const values = query.getAll(name);
  if (values.length > 1) throw new BadParameterError(name, values.join(','), 'give it at most once');
  return values[0];
}

function integer(name: string, raw: string, min: number, max: number, rule: string): number {
  if (!/^\d{1,16}$/.test(raw)) throw new BadParameterError(name, raw, rule);
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new BadParameterError(name, raw, rule);
  return n;
}

export function limitParam(query: URLSearchParams, fallback: number, max: number): number {
  const raw = single(query, 'limit');
  if (raw === undefined) return fallback;
  return integer('limit', raw, 1, max, `must be a whole number from 1 to ${max}`);
}

/** A batch time in ms since the epoch: the paging cursor `before` and the batch id in paths. */
export function batchTime(name: string, raw: string): number {
  return integer(name, raw, 0, Number.MAX_SAFE_INTEGER, 'must be a batch time: a whole number of milliseconds since the epoch');
}

export function beforeParam(query: URLSearchParams): number | undefined {
  const raw = single(query, 'before');
  return raw === undefined ? undefined : batchTime('before', raw);
}
