import df from 'durable-functions';
import { appContext } from '#sluice/app/app-context.js';
import { driverActivities } from '#sluice/app/driver-activities.js';
import { ACTIVITY } from './driver.js';

interface BatchInput { time: number; task?: number; error?: string; attempts?: number }

df.app.activity(ACTIVITY.nextBatchTime, { handler: () => driverActivities.nextBatchTime(appContext()) });
df.app.activity(ACTIVITY.allocate, { handler: (input: BatchInput) => driverActivities.allocate(appContext(), input.time) });
df.app.activity(ACTIVITY.task, { handler: (input: BatchInput) => driverActivities.runTask(appContext(), input.time, input.task ?? 0) });
df.app.activity(ACTIVITY.commit, { handler: (input: BatchInput) => driverActivities.commit(appContext(), input.time, input.attempts ?? 1) });
df.app.activity(ACTIVITY.fail, { handler: (input: BatchInput) => driverActivities.fail(appContext(), input.time, input.error ?? 'unknown error', input.attempts ?? 1) });
df.app.activity(ACTIVITY.cleanup, { handler: () => driverActivities.cleanup(appContext()) });
