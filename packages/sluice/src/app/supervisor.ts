import { messageOf } from '../scheduler/dead-letter.js';
import type { StreamContext } from './stream-context.js';
import { ALIVE, type DriverClient } from './driver-client.js';

export type SupervisorAction = 'started' | 'restarted' | 'running' | 'left-stopped' | 'lost-race';

/**
 * spark-submit --supervise for the driver: starts it when it does not exist, and restarts it when
 * it Failed or was Terminated while the stream is meant to run. The restarted driver reads its
 * next batch from the WAL, so it resumes with no gap and no repeated batch. A driver that
 * completed (it stopped itself on a failed batch) or that the operator stopped is left alone.
 * Two supervisors at once are safe: Durable refuses the second start of a running instance id.
 */
export async function superviseDriver(app: StreamContext, client: DriverClient): Promise<SupervisorAction> {
  const desired = await app.control.read();
  const status = await client.status(app.driverId);
  if (status && ALIVE.has(status.runtimeStatus)) return 'running';
  if (desired.desired === 'stopped') return 'left-stopped';
  if (status?.runtimeStatus === 'Completed') {
    app.log.warn('the driver stopped itself on a failed batch; replay it or POST /api/streams/{name}/start', { driver: app.driverId, output: status.output });
    return 'left-stopped';
  }
  try {
    await client.start(app.driverId, {});
  } catch (err) {
    app.log.info('another supervisor started the driver first', { driver: app.driverId, error: messageOf(err) });
    return 'lost-race';
  }
  const action = status ? 'restarted' : 'started';
  app.log.info(`supervisor ${action} the driver`, { driver: app.driverId, was: status?.runtimeStatus ?? 'missing' });
  return action;
}
