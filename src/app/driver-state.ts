import type { DriverState } from '../status/status-ports.js';
import type { AppContext } from './app-context.js';
import type { DriverClient } from './driver-client.js';

/** The driver orchestration's status, in the status page's words. */
export async function driverState(app: AppContext, client: DriverClient): Promise<DriverState> {
  const [status, desired] = await Promise.all([client.status(app.driverId), app.control.read()]);
  if (!status) return { state: 'stopped', reason: 'the driver has not started yet (the supervisor starts it)' };
  switch (status.runtimeStatus) {
    case 'Running':
    case 'Pending':
    case 'ContinuedAsNew': {
      const startedAt = (status.customStatus as { startedAt?: unknown } | undefined)?.startedAt;
      return { state: 'running', ...(typeof startedAt === 'number' && { since: startedAt }) };
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
