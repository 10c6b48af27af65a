import type { DurableClient } from 'durable-functions';
import type { DriverClient } from '#sluice/app/driver-client.js';
import { DRIVER } from './driver.js';

/** Adapts the Durable client to the engine's DriverClient port. */
export function driverClient(client: DurableClient): DriverClient {
  return {
    async status(instanceId) {
      try {
        const s = await client.getStatus(instanceId);
        return { runtimeStatus: String(s.runtimeStatus), output: s.output, customStatus: s.customStatus };
      } catch (err) {
        if (/HTTP 404/.test(String(err))) return undefined; // no such instance yet
        throw err;
      }
    },
    async start(instanceId, input) {
      await client.startNew(DRIVER, { instanceId, input });
    },
    async terminate(instanceId, reason) {
      await client.terminate(instanceId, reason);
    },
  };
}
