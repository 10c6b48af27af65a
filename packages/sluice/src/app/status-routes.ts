import df from 'durable-functions';
import { createStatusApi } from '../status/status-api.js';
import type { StreamHandle } from '../status/status-ports.js';
import { systemClock } from '../util/clock.js';
import { driverState } from './driver-state.js';
import { driverClient } from './durable-driver-client.js';
import { SHARED_FUNCTIONS } from './function-names.js';
import type { StreamRuntime } from './stream-runtime.js';

/** The status API and page (read-only GET routes) of every stream, served from the WAL and checkpoints. */
const ROUTES = [
  'ui', 'ui/{asset}', 'streams', 'streams/{name}', 'streams/{name}/batches', 'streams/{name}/batches/{time}',
  'streams/{name}/receivers', 'streams/{name}/deadletters', 'streams/{name}/ui', 'streams/{name}/ui/{asset}',
];

export function registerStatusRoutes(streams: () => readonly StreamRuntime[]): void {
  for (const [i, route] of ROUTES.entries()) {
    df.app.client.http(SHARED_FUNCTIONS.status(i), {
      route,
      methods: ['GET'],
      authLevel: 'function',
      handler: async (request, client) => {
        const all = streams();
        // The streams share one clock (a local stack overrides it for all of them).
        const handles = (): StreamHandle[] => all.map((s) => handleOf(s, client));
        const clock = all[0]?.context().clock ?? systemClock;
        const api = createStatusApi({ streams: handles, clock });
        const url = new URL(request.url);
        const response = await api({ method: request.method, path: url.pathname, query: url.searchParams });
        return { status: response.status, headers: response.headers, body: response.body };
      },
    });
  }
}

function handleOf(stream: StreamRuntime, client: Parameters<typeof driverClient>[0]): StreamHandle {
  const app = stream.context();
  return {
    name: stream.name, config: app.config, storage: app.storage,
    driver: () => driverState(app, driverClient(client, stream.functions.driver)),
    lastEnqueued: (partition, source) => stream.lastEnqueued(source, partition),
  };
}
