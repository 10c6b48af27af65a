import type { Clock } from 'sluice';
import type { DurableAttachment, DurableExtension, DurableHostApi } from '@sluice/local-host';
import { resolveTaskHubName } from './client-binding.js';
import { createDurableRuntime, type DurableRuntime, type DurableRuntimeOptions } from './durable-runtime.js';

export type DurableExtensionOptions = Omit<DurableRuntimeOptions, 'connectionString' | 'clock'> & { clock?: Clock };

export interface AttachedDurableRuntime extends DurableAttachment {
  readonly runtime: DurableRuntime;
}

/** The local host's extension point, with the runtime it built in reach (tests and the dev stack use it). */
export interface LocalDurableExtension extends DurableExtension {
  attach(host: DurableHostApi): Promise<AttachedDurableRuntime>;
}

/**
 * The plug for the local host's `durable` option: builds the runtime from the host's storage,
 * clock and host.json when the host attaches it. Options given here win over the host's.
 */
export function createDurableExtension(options: DurableExtensionOptions = {}): LocalDurableExtension {
  return {
    async attach(host) {
      const runtime = createDurableRuntime({
        ...options,
        connectionString: host.storageConnectionString,
        taskHub: options.taskHub ?? resolveTaskHubName(host.hostJson),
        clock: options.clock ?? host.clock,
      });
      const attached = await runtime.attach(host);
      return { runtime, clientBinding: attached.clientBinding, stop: attached.stop };
    },
  };
}
