/**
 * Transient or permanent: the one question the driver asks of a failure. Transient failures are
 * those the same call may survive when tried again later: storage or network throttling (429),
 * timeouts (408), server errors (5xx other than 501 and 505, which no retry mends), dropped or
 * refused connections, and errors the Azure SDKs themselves mark retriable. Everything else, such
 * as a pipeline function that throws on every attempt, is permanent.
 *
 * The status codes follow @azure/core-rest-pipeline's own retry strategies
 * (Azure/azure-sdk-for-js, sdk/core/core-rest-pipeline/src/retryStrategies/exponentialRetryStrategy.ts:
 * 408 and 5xx except 501 and 505 are retried; throttlingRetryStrategy.ts: 429 and 503 with
 * Retry-After), and the socket codes follow its isSystemError list plus Node's and undici's other
 * connection errors. Event Hubs' MessagingError carries its own `retryable` flag.
 */
export type FailureClass = 'transient' | 'permanent';

/** A failure as it crosses an activity boundary: classified where the error object still exists. */
export interface ClassifiedFailure {
  readonly transient: boolean;
  readonly error: string;
}

const TRANSIENT_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND',
  'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EHOSTDOWN',
  'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CLOSED',
  // @azure/core-rest-pipeline's RestError.REQUEST_SEND_ERROR: the request never got a response.
  'REQUEST_SEND_ERROR',
  // Storage service error codes that come with 5xx, in case only the code survives a wrapper.
  'ServerBusy', 'InternalError', 'OperationTimedOut',
]);
const TRANSIENT_NAMES = new Set(['AbortError', 'TimeoutError']);
const MAX_DEPTH = 5;

export function classifyFailure(err: unknown): FailureClass {
  return isTransient(err, 0) ? 'transient' : 'permanent';
}

export function classified(err: unknown): ClassifiedFailure {
  return { transient: classifyFailure(err) === 'transient', error: describeFailure(err) };
}

/** The error's message, with its status and code when it has them: what the status page shows. */
export function describeFailure(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const { statusCode, code } = err as { statusCode?: unknown; code?: unknown };
  const tags = [typeof statusCode === 'number' ? `status ${statusCode}` : '', typeof code === 'string' ? code : ''].filter(Boolean);
  return tags.length > 0 ? `${err.message} (${tags.join(', ')})` : err.message;
}

function isTransient(err: unknown, depth: number): boolean {
  if (depth > MAX_DEPTH || typeof err !== 'object' || err === null) return false;
  const e = err as { statusCode?: unknown; status?: unknown; code?: unknown; name?: unknown; retryable?: unknown; cause?: unknown; errors?: unknown };
  if (e.retryable === true) return true;
  const status = typeof e.statusCode === 'number' ? e.statusCode : typeof e.status === 'number' ? e.status : undefined;
  if (status !== undefined) return status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
  if (typeof e.code === 'string' && TRANSIENT_CODES.has(e.code)) return true;
  if (typeof e.name === 'string' && TRANSIENT_NAMES.has(e.name)) return true;
  // AggregateError (several attempts failed): transient only when every part is.
  if (Array.isArray(e.errors) && e.errors.length > 0) return e.errors.every((part) => isTransient(part, depth + 1));
  return e.cause !== undefined && isTransient(e.cause, depth + 1);
}
