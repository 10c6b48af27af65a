import type { DriverState, StreamHandle } from './status-ports.js';

/** The driver port may be down while storage is up: the page then says "unknown" and why. */
export async function driverStateOf(handle: StreamHandle): Promise<DriverState> {
  try {
    return await handle.driver();
  } catch (err) {
    return { state: 'unknown', reason: `driver status unavailable: ${err instanceof Error ? err.message : String(err)}` };
  }
}
