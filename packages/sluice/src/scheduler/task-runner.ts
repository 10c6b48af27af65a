import { batchPrefix } from '../wal/keys.js';
import type { TaskSummary } from '../wal/wal-events.js';
import { deadLetterBlobName, deadLetterOfEvent, writeDeadLetters, type DeadLetter } from './dead-letter.js';
import type { EngineContext } from './engine-context.js';
import { encodePartial } from './partial.js';
import { planStages, TaskStage } from './task-stage.js';
import { planTasks } from './task-planner.js';
import { readAhead } from './read-ahead.js';

/** Block reads in flight at once per task: overlaps storage latency without holding a whole batch in memory. */
export const READ_AHEAD = 4;

export const partialName = (stream: string, time: number, task: number): string => `${batchPrefix(stream, time)}task-${task}.json`;

/**
 * Runs one task of a batch: reads its blocks from Blob, decodes the events, runs the record side
 * of the pipeline with map-side combines, and writes the partial result and any dead letters.
 * Returns only counters, which is all that crosses the orchestrator. Running it again rewrites
 * the same partial. Storage errors propagate so the task is retried; only per-event errors are
 * dead-lettered.
 */
export async function runTask(ctx: EngineContext, time: number, task: number): Promise<TaskSummary> {
  const startedAt = ctx.clock.now();
  const batch = await ctx.batches.get(time);
  if (!batch) throw new Error(`batch ${time} of stream ${ctx.stream} is not allocated`);
  const plan = planTasks(batch.allocation, ctx.maxTasksPerBatch)[task];
  if (!plan) throw new Error(`batch ${time} has no task ${task}`);
  const stage = new TaskStage(planStages(ctx.graph));
  const deadLetters: DeadLetter[] = [];
  let recordsIn = 0;
  let bytes = 0;
  for await (const [block, events] of readAhead(plan.blocks, READ_AHEAD, (b) => ctx.blocks.read(b, b.first, b.last))) {
    bytes += block.bytes;
    for (const event of events) {
      recordsIn++;
      const failure = stage.process(block, event);
      if (failure) deadLetters.push(deadLetterOfEvent(ctx.stream, time, block, event, failure.operator, failure.error));
    }
  }
  const summary: TaskSummary = {
    task, blocks: plan.blocks.length, recordsIn, recordsOut: stage.recordsOut, deadLettered: deadLetters.length, bytes,
    durationMs: ctx.clock.now() - startedAt,
  };
  await writeDeadLetters(ctx.storage.deadLetters, deadLetterBlobName(ctx.stream, time, `task-${task}`), deadLetters);
  await ctx.storage.partials.put(partialName(ctx.stream, time, task), encodePartial({ summary, startedAt, ...stage.result() }));
  return summary;
}
