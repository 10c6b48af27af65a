import df from 'durable-functions';
import type { OrchestrationContext, OrchestrationHandler } from 'durable-functions';
import { appContext } from '#sluice/app/app-context.js';
import { replayBatch, replayBatchTimes, replayPrefix } from '#sluice/app/replay.js';

export const REPLAY = 'sluiceReplay';
const PLAN = 'sluiceReplayPlan';
const BATCH = 'sluiceReplayBatch';

interface ReplayInput { from: number; to: number; time?: number }

/** Replays archived batches in order (state and windows carry from one to the next). */
const replay: OrchestrationHandler = function* (context: OrchestrationContext) {
  const { from, to } = context.df.getInput() as ReplayInput;
  const times: number[] = yield context.df.callActivity(PLAN, { from, to });
  const retry = new df.RetryOptions(1000, appContext().config.activityRetries + 1);
  for (const [i, time] of times.entries()) {
    context.df.setCustomStatus({ replayed: i, of: times.length });
    yield context.df.callActivityWithRetry(BATCH, retry, { from, to, time });
  }
  return { batches: times.length, outputPrefix: `${replayPrefix(from, to)}/` };
};

df.app.orchestration(REPLAY, replay);
df.app.activity(PLAN, { handler: (input: ReplayInput) => replayBatchTimes(appContext(), input.from, input.to) });
df.app.activity(BATCH, { handler: (input: ReplayInput) => replayBatch(appContext(), input.from, input.to, input.time!) });
