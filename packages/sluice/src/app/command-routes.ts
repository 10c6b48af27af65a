import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import df from 'durable-functions';
import type { DurableClient } from 'durable-functions';
import { driverClient } from './durable-driver-client.js';
import { SHARED_FUNCTIONS } from './function-names.js';
import { MAX_REPLAY_BATCHES, replayBatchTimes, replayPrefix } from './replay.js';
import { BadRequest, timeParam } from './request-params.js';
import { startStream, stopStream } from './stream-commands.js';
import type { StreamRuntime } from './stream-runtime.js';

type Command = (stream: StreamRuntime, client: DurableClient, request: HttpRequest) => Promise<HttpResponseInit>;

/** The control routes of every stream, registered once; GET routes are in status-routes.ts. Function keys guard them in Azure. */
export function registerCommandRoutes(streams: () => readonly StreamRuntime[]): void {
  const command = (name: string, verb: string, run: Command): void => {
    df.app.client.http(name, {
      route: `streams/{name}/${verb}`,
      methods: ['POST'],
      authLevel: 'function',
      handler: async (request, client) => {
        const all = streams();
        const stream = all.find((s) => s.name === request.params['name']);
        if (!stream) {
          const names = all.map((s) => `"${s.name}"`).join(', ');
          return { status: 404, jsonBody: { error: `no stream named ${JSON.stringify(request.params['name'])}; this app runs ${names || 'no streams'}` } };
        }
        try {
          return await run(stream, client, request);
        } catch (err) {
          if (err instanceof BadRequest) return { status: 400, jsonBody: { error: err.message } };
          throw err;
        }
      },
    });
  };

  command(SHARED_FUNCTIONS.start, 'start', async (s, client) => ({ status: 200, jsonBody: await startStream(s.context(), driverClient(client, s.functions.driver)) }));
  command(SHARED_FUNCTIONS.stop, 'stop', async (s, client) => ({ status: 200, jsonBody: await stopStream(s.context(), driverClient(client, s.functions.driver)) }));
  command(SHARED_FUNCTIONS.replay, 'replay', async (s, client, request) => {
    const app = s.context();
    const from = timeParam(request.query, 'from');
    const to = timeParam(request.query, 'to');
    if (from > to) throw new BadRequest(`query parameter "from" (${from}) must not be after "to" (${to})`);
    const times = await replayBatchTimes(app, from, to);
    if (times.length > MAX_REPLAY_BATCHES) throw new BadRequest(`the range holds ${times.length} batches; a replay takes at most ${MAX_REPLAY_BATCHES}: split it`);
    const instanceId = `${app.driverId}-${replayPrefix(from, to)}`;
    await client.startNew(s.functions.replay, { instanceId, input: { from, to } });
    return { status: 202, jsonBody: { instanceId, batches: times.length, outputPrefix: `${replayPrefix(from, to)}/` }, headers: { Location: `/api/streams/${s.name}` } };
  });
}
