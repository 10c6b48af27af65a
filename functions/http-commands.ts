import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import df from 'durable-functions';
import type { DurableClient } from 'durable-functions';
import { appContext, type AppContext } from '#sluice/app/app-context.js';
import { MAX_REPLAY_BATCHES, replayBatchTimes, replayPrefix } from '#sluice/app/replay.js';
import { BadRequest, timeParam } from '#sluice/app/request-params.js';
import { startStream, stopStream } from '#sluice/app/stream-commands.js';
import { driverClient } from './durable-client.js';
import { REPLAY } from './replay.js';

type Command = (app: AppContext, client: DurableClient, request: HttpRequest) => Promise<HttpResponseInit>;

/** The stream's control routes; GET routes are in http-status.ts. Function keys guard them in Azure. */
function command(name: string, verb: string, run: Command): void {
  df.app.client.http(name, {
    route: `streams/{name}/${verb}`,
    methods: ['POST'],
    authLevel: 'function',
    handler: async (request, client) => {
      const app = appContext();
      if (request.params['name'] !== app.config.streamName) {
        return { status: 404, jsonBody: { error: `no stream named ${JSON.stringify(request.params['name'])}; this app runs "${app.config.streamName}"` } };
      }
      try {
        return await run(app, client, request);
      } catch (err) {
        if (err instanceof BadRequest) return { status: 400, jsonBody: { error: err.message } };
        throw err;
      }
    },
  });
}

command('httpStart', 'start', async (app, client) => ({ status: 200, jsonBody: await startStream(app, driverClient(client)) }));
command('httpStop', 'stop', async (app, client) => ({ status: 200, jsonBody: await stopStream(app, driverClient(client)) }));
command('httpReplay', 'replay', async (app, client, request) => {
  const from = timeParam(request.query, 'from');
  const to = timeParam(request.query, 'to');
  if (from > to) throw new BadRequest(`query parameter "from" (${from}) must not be after "to" (${to})`);
  const times = await replayBatchTimes(app, from, to);
  if (times.length > MAX_REPLAY_BATCHES) throw new BadRequest(`the range holds ${times.length} batches; a replay takes at most ${MAX_REPLAY_BATCHES}: split it`);
  const instanceId = `sluice-${app.config.streamName}-${replayPrefix(from, to)}`;
  await client.startNew(REPLAY, { instanceId, input: { from, to } });
  return { status: 202, jsonBody: { instanceId, batches: times.length, outputPrefix: `${replayPrefix(from, to)}/` }, headers: { Location: `/api/streams/${app.config.streamName}` } };
});
