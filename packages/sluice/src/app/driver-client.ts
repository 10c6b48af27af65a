/** The driver orchestration as the supervisor and the HTTP API see it (a Durable client, adapted). */
export interface DriverClient {
  status(instanceId: string): Promise<{ readonly runtimeStatus: string; readonly output?: unknown; readonly customStatus?: unknown } | undefined>;
  start(instanceId: string, input: unknown): Promise<void>;
  terminate(instanceId: string, reason: string): Promise<void>;
}

/** Durable runtime statuses in which the driver is alive. */
export const ALIVE = new Set(['Running', 'Pending', 'ContinuedAsNew', 'Suspended']);
