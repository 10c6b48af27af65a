import df from 'durable-functions';
import { appContext } from '#sluice/app/app-context.js';
import { superviseDriver } from '#sluice/app/supervisor.js';
import { driverClient } from './durable-client.js';

df.app.client.timer('sluiceSupervisor', {
  schedule: '%SLUICE_SUPERVISOR_SCHEDULE%',
  runOnStartup: true,
  handler: async (_timer, client) => {
    await superviseDriver(appContext(), driverClient(client));
  },
});
