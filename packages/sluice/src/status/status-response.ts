import { BadParameterError, NotFoundError } from './status-errors.js';

export interface StatusResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The page loads only its own script and stylesheet and calls only this API: nothing from a CDN. */
const PAGE_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function json(status: number, value: unknown): StatusResponse {
  return {
    status,
    // Status is live data: a cached answer would show a stream as healthy after it failed.
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' },
    body: JSON.stringify(value),
  };
}

export function page(body: string): StatusResponse {
  return {
    status: 200,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache', 'content-security-policy': PAGE_POLICY, 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' },
    body,
  };
}

export function asset(contentType: string, body: string): StatusResponse {
  return { status: 200, headers: { 'content-type': `${contentType}; charset=utf-8`, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' }, body };
}

export function errorResponse(err: unknown): StatusResponse {
  if (err instanceof BadParameterError) {
    return json(400, { error: { code: 'bad_parameter', message: err.message, parameter: err.parameter, value: err.value, rule: err.rule } });
  }
  if (err instanceof NotFoundError) return json(404, { error: { code: 'not_found', message: err.message } });
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return json(500, { error: { code: 'internal', message: `the status query failed: ${message}` } });
}

export function methodNotAllowed(method: string): StatusResponse {
  const response = json(405, { error: { code: 'method_not_allowed', message: `${method} is not supported: the status API is read-only, use GET` } });
  return { ...response, headers: { ...response.headers, allow: 'GET, HEAD' } };
}
