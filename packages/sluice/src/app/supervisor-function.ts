import df from 'durable-functions';
import { messageOf } from '../scheduler/dead-letter.js';
import { driverClient } from './durable-driver-client.js';
import { SHARED_FUNCTIONS } from './function-names.js';
import type { StreamRuntime } from './stream-runtime.js';
import { superviseDriver } from './supervisor.js';

/**
 * The one supervisor timer of the app: checks every stream's driver in turn. A stream whose check
 * fails (its storage is down, its settings are broken) does not keep the others from theirs; the
 * invocation fails afterwards, naming them, so the host logs it.
 */
export function registerSupervisor(streams: () => readonly StreamRuntime[], schedule: string): void {
  df.app.client.timer(SHARED_FUNCTIONS.supervisor, {
    schedule,
    runOnStartup: true,
    handler: async (_timer, client) => {
      const failed: string[] = [];
      for (const stream of streams()) {
        try {
          await superviseDriver(stream.context(), driverClient(client, stream.functions.driver));
        } catch (err) {
          failed.push(`stream "${stream.name}": ${messageOf(err)}`);
        }
      }
      if (failed.length > 0) throw new Error(`the supervisor could not check ${failed.length} driver(s):\n  - ${failed.join('\n  - ')}`);
    },
  });
}
