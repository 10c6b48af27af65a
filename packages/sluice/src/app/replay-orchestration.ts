import df from 'durable-functions';
import type { OrchestrationContext, OrchestrationHandler } from 'durable-functions';
import { replayBatch, replayBatchTimes, replayPrefix } from './replay.js';
import type { StreamRuntime } from './stream-runtime.js';

export interface ReplayInput { from: number; to: number; time?: number }

/** Registers a stream's replay: archived batches in order (state and windows carry from one to the next). */
export function registerReplay(stream: StreamRuntime): void {
  const names = stream.functions;
  const replay: OrchestrationHandler = function* (context: OrchestrationContext) {
    const { from, to } = context.df.getInput() as ReplayInput;
    const times: number[] = yield context.df.callActivity(names.replayPlan, { from, to });
    const retry = new df.RetryOptions(1000, stream.context().config.activityRetries + 1);
    for (const [i, time] of times.entries()) {
      context.df.setCustomStatus({ replayed: i, of: times.length });
      yield context.df.callActivityWithRetry(names.replayBatch, retry, { from, to, time });
    }
    return { batches: times.length, outputPrefix: `${replayPrefix(from, to)}/` };
  };
  df.app.orchestration(names.replay, replay);
  df.app.activity(names.replayPlan, { handler: (input: ReplayInput) => replayBatchTimes(stream.context(), input.from, input.to) });
  df.app.activity(names.replayBatch, { handler: (input: ReplayInput) => replayBatch(stream.context(), input.from, input.to, input.time!) });
}
