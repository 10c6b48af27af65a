import type { Clock } from '../../util/clock.js';
import { resolveTaskHubName } from './client-binding.js';
import { createDurableRuntime, type DurableRuntime, type DurableRuntimeOptions } from './durable-runtime.js';
import type { AttachedDurable, DurableHostAttachment } from './host-contract.js';

/** What the local host passes at attach time beyond the basic contract. */
export interface DurableHostContext extends DurableHostAttachment {
  /** AzureWebJobsStorage. */
  storageConnectionString: string;
  clock?: Clock;
  /** host.json; extensions.durableTask.hubName names the task hub. */
  hostJson?: unknown;
}

export type DurableExtensionOptions = Omit<DurableRuntimeOptions, 'connectionString' | 'clock'> & { clock?: Clock };

export interface AttachedDurableRuntime extends AttachedDurable {
  readonly runtime: DurableRuntime;
}

/**
 * The plug for the local host's `durable` option: builds the runtime from the host's storage,
 * clock and host.json when the host attaches it. Options given here win over the host's.
 */
export function createDurableExtension(options: DurableExtensionOptions = {}): { attach(host: DurableHostContext): Promise<AttachedDurableRuntime> } {
  return {
    async attach(host) {
      const clock = options.clock ?? host.clock;
      const runtime = createDurableRuntime({
        ...options,
        connectionString: host.storageConnectionString,
        taskHub: options.taskHub ?? resolveTaskHubName(host.hostJson),
        ...(clock ? { clock } : {}),
      });
      const attached = await runtime.attach(host);
      return { runtime, clientBinding: attached.clientBinding, stop: attached.stop };
    },
  };
}
