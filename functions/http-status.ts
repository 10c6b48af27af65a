import df from 'durable-functions';
import { appContext } from '#sluice/app/app-context.js';
import { driverState } from '#sluice/app/driver-state.js';
import { lastEnqueued } from '#sluice/app/partition-lag.js';
import { createStatusApi } from '#sluice/status/status-api.js';
import type { StreamHandle } from '#sluice/status/status-ports.js';
import { driverClient } from './durable-client.js';

/** The status API and page (read-only GET routes), served from the WAL and checkpoints. */
const ROUTES = [
  'ui', 'ui/{asset}', 'streams', 'streams/{name}', 'streams/{name}/batches', 'streams/{name}/batches/{time}',
  'streams/{name}/receivers', 'streams/{name}/deadletters', 'streams/{name}/ui', 'streams/{name}/ui/{asset}',
];

for (const [i, route] of ROUTES.entries()) {
  df.app.client.http(`status${i}`, {
    route,
    methods: ['GET'],
    authLevel: 'function',
    handler: async (request, client) => {
      const app = appContext();
      const stream: StreamHandle = {
        name: app.config.streamName, config: app.config, storage: app.storage,
        driver: () => driverState(app, driverClient(client)),
        lastEnqueued: (partition) => lastEnqueued(app, partition),
      };
      const api = createStatusApi({ streams: () => [stream], clock: app.clock });
      const url = new URL(request.url);
      const response = await api({ method: request.method, path: url.pathname, query: url.searchParams });
      return { status: response.status, headers: response.headers, body: response.body };
    },
  });
}
