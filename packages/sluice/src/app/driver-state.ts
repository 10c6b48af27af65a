import type { RetryState } from '../scheduler/batch-policy.js';
import type { DriverState, RetryingBatch } from '../status/status-ports.js';
import type { StreamContext } from './stream-context.js';
import type { DriverClient } from './driver-client.js';

/** The status contract's `retrying` of a retry state: what the driver puts in its custom status. */
export function retryingView(state: RetryState): RetryingBatch {
  return { batchTime: state.batchTime, attempt: state.attempt, nextAt: state.nextAt, lastError: state.lastError, since: state.since };
}

/** The driver orchestration's status, in the status page's words. */
export async function driverState(app: StreamContext, client: DriverClient): Promise<DriverState> {
  const [status, desired] = await Promise.all([client.status(app.driverId), app.control.read()]);
  if (!status) return { state: 'stopped', reason: 'the driver has not started yet (the supervisor starts it)' };
  switch (status.runtimeStatus) {
    case 'Running':
    case 'Pending':
    case 'ContinuedAsNew': {
      const custom = status.customStatus as { startedAt?: unknown; retrying?: unknown } | undefined;
      const startedAt = custom?.startedAt;
      const retrying = retryingOf(custom?.retrying);
      return { state: 'running', ...(typeof startedAt === 'number' && { since: startedAt }), ...(retrying && { retrying }) };
    }
    case 'Terminated':
      return { state: 'stopped', reason: desired.desired === 'stopped' ? desired.reason : 'the driver was terminated; the supervisor restarts it' };
    case 'Completed':
      return { state: 'failed', reason: `the driver stopped on a failed batch: ${JSON.stringify(status.output)}` };
    case 'Failed':
      return { state: 'failed', reason: `the driver orchestration failed: ${JSON.stringify(status.output)}` };
    default:
      return { state: 'unknown', reason: `Durable status ${status.runtimeStatus}` };
  }
}

/** The custom status crosses Durable as JSON: take `retrying` only when it has the contract's shape. */
function retryingOf(value: unknown): RetryingBatch | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const numbers = ['batchTime', 'attempt', 'nextAt', 'since'].every((k) => typeof v[k] === 'number');
  return numbers && typeof v['lastError'] === 'string' ? (v as unknown as RetryingBatch) : undefined;
}
