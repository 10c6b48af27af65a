/** A 400 with a message naming the parameter, the value and the rule. */
export class BadRequest extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadRequest';
  }
}

/** A batch time: milliseconds since the epoch, or an ISO 8601 time. */
export function timeParam(query: URLSearchParams, name: string): number {
  const raw = query.get(name);
  if (raw === null || raw === '') throw new BadRequest(`query parameter "${name}" is required: a batch time in ms since the epoch, or an ISO 8601 time`);
  const t = /^\d+$/.test(raw) ? Number(raw) : /^\d{4}-\d{2}-\d{2}T/.test(raw) ? Date.parse(raw) : NaN;
  if (!Number.isSafeInteger(t) || t < 0) throw new BadRequest(`query parameter "${name}"=${JSON.stringify(raw)} is not a batch time: use ms since the epoch, or an ISO 8601 time`);
  return t;
}
