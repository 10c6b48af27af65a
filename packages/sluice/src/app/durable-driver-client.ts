import type { DurableClient } from 'durable-functions';
import type { DriverClient } from './driver-client.js';

/** Adapts the Durable client to the engine's DriverClient port, for the driver orchestration named `orchestration`. */
export function driverClient(client: DurableClient, orchestration: string): DriverClient {
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
      await client.startNew(orchestration, { instanceId, input });
    },
    async terminate(instanceId, reason) {
      await client.terminate(instanceId, reason);
    },
  };
}
