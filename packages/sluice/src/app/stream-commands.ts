import type { StreamContext } from './stream-context.js';
import { ALIVE, type DriverClient } from './driver-client.js';

/** POST /start: the stream is meant to run; start its driver unless it already runs. */
export async function startStream(app: StreamContext, client: DriverClient): Promise<{ started: boolean }> {
  await app.control.write({ desired: 'running', reason: 'started by the API', updatedAt: app.clock.now() });
  const status = await client.status(app.driverId);
  if (status && ALIVE.has(status.runtimeStatus)) return { started: false };
  await client.start(app.driverId, {});
  return { started: true };
}

/** POST /stop: the stream is meant to stay stopped; terminate its driver. Receivers keep storing blocks. */
export async function stopStream(app: StreamContext, client: DriverClient): Promise<{ stopped: boolean }> {
  await app.control.write({ desired: 'stopped', reason: 'stopped by the API', updatedAt: app.clock.now() });
  const status = await client.status(app.driverId);
  if (!status || !ALIVE.has(status.runtimeStatus)) return { stopped: false };
  await client.terminate(app.driverId, 'stopped by the API');
  return { stopped: true };
}
