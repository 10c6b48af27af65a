import { KeyedMap } from '../dstream/keyed.js';
import { isValidTime, type BatchContext, type BatchEventTime, type MapSideCombine, type StreamNode } from '../dstream/node.js';
import type { BatchCompleted } from '../wal/wal-events.js';
import { deadLetterBlobName, deadLetterOfRecord, writeDeadLetters, type DeadLetter } from './dead-letter.js';
import { summarize, type BatchSummary } from './batch-summary.js';
import type { EngineContext } from './engine-context.js';
import { decodePartial, mergePartials, type Partial } from './partial.js';
import { partialName } from './task-runner.js';
import { planTasks } from './task-planner.js';
import { mapBounded } from '../util/bounded.js';

/** Partial results read at once by the commit: bounded, however many tasks a batch has. */
const PARTIAL_READS = 8;

/**
 * Commits batch `time`: merges the tasks' partials, runs the whole-batch side of the pipeline
 * (keyed merges, windows, state), writes every output keyed by (stream, time), then records
 * BatchCompleted last. Everything before that record is a rewrite on retry: the same allocation,
 * the same partials and the state of earlier batches give the same outputs. A completed batch is
 * a no-op, so a retried commit never writes twice.
 */
export async function commitBatch(ctx: EngineContext, time: number, zeroTime: number, attempts?: number): Promise<BatchSummary> {
  const batch = await ctx.batches.get(time);
  if (!batch) throw new Error(`batch ${time} of stream ${ctx.stream} is not allocated`);
  if (batch.completion) return summarize(batch.allocation, batch.completion);
  const commitStart = ctx.clock.now();
  const plans = planTasks(batch.allocation, ctx.maxTasksPerBatch);
  const partials = await mapBounded(plans, PARTIAL_READS, async (p): Promise<Partial> => {
    const data = await ctx.storage.partials.get(partialName(ctx.stream, time, p.task));
    if (!data) throw new Error(`batch ${time}: task ${p.task} has no partial result yet; run the task before the commit`);
    return decodePartial(data);
  });
  const combines = new Map<string, MapSideCombine>();
  for (const n of ctx.graph.nodes) if (n.mapSide) combines.set(n.id, n.mapSide);
  const merged = mergePartials(partials, combines);
  const deadLetters: DeadLetter[] = [];
  const memo = new Map<StreamNode, Promise<unknown[]>>();
  const eventTime: BatchEventTime = { watermark: undefined, lateRecords: 0, droppedDuplicates: 0 };
  const batchContext: BatchContext = {
    stream: ctx.stream, time, zeroTime, batchIntervalMs: ctx.batchIntervalMs, state: ctx.state, eventTime,
    records(node) {
      let out = memo.get(node);
      if (!out) {
        out = outputOf(node);
        memo.set(node, out);
      }
      return out;
    },
    combined(node) {
      return merged.combined.get(node.id) ?? new KeyedMap<unknown, unknown>();
    },
    deadLetter(node, record, error) {
      deadLetters.push(deadLetterOfRecord(ctx.stream, time, node.id, record, error));
    },
  };
  async function outputOf(node: StreamNode): Promise<unknown[]> {
    if (!isValidTime(node, time, zeroTime)) throw new Error(`${node.id} has no batch at ${time} (its slide is ${node.slideMs} ms)`);
    if (node.placement === 'record') return merged.records.get(node.id) ?? [];
    return node.compute!(batchContext);
  }

  // Every batch node runs at each of its valid times, used or not, so window slices and state
  // are persisted for every batch.
  for (const node of ctx.graph.nodes) if (node.placement === 'batch' && isValidTime(node, time, zeroTime)) await batchContext.records(node);
  const outputs: string[] = [];
  for (const output of ctx.graph.outputs) {
    if (!isValidTime(output.stream, time, zeroTime)) continue;
    const location = await output.sink.write(await batchContext.records(output.stream), { stream: ctx.stream, time, storage: ctx.storage });
    if (location) outputs.push(location);
  }
  await writeDeadLetters(ctx.storage.deadLetters, deadLetterBlobName(ctx.stream, time, 'commit'), deadLetters);
  const completion: BatchCompleted = {
    kind: 'BatchCompleted', time,
    startedAt: Math.min(commitStart, ...partials.map((p) => p.startedAt)),
    completedAt: ctx.clock.now(),
    tasks: partials.map((p) => p.summary),
    outputs,
    deadLettered: deadLetters.length + partials.reduce((n, p) => n + p.summary.deadLettered, 0),
    ...(eventTime.watermark !== undefined && { eventTime: { watermark: eventTime.watermark }, lateRecords: eventTime.lateRecords, droppedDuplicates: eventTime.droppedDuplicates }),
    ...(attempts !== undefined && { attempts }),
  };
  await ctx.batches.complete(completion);
  const summary = summarize(batch.allocation, completion);
  // Emitted once, by the commit that recorded the batch: a retried commit of a completed batch returns above.
  ctx.telemetry?.batchCompleted(summary, batch.allocation);
  return summary;
}
