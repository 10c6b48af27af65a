import { prefixedEntityTable, prefixedObjectStore } from '../adapters/prefixed.js';
import { StreamingContext } from '../dstream/streaming-context.js';
import { StreamEngine, type BatchSummary } from '../scheduler/stream-engine.js';
import type { StreamContext } from './stream-context.js';

export const MAX_REPLAY_BATCHES = 1000;

/** Where a replay writes: blobs under `replay-<from>-<to>/`, table partitions prefixed the same way. */
export const replayPrefix = (from: number, to: number): string => `replay-${from}-${to}`;

/**
 * The lambda-architecture replay: reprocesses the archived blocks of batches in [from, to] with the
 * same pipeline code, into a separate output prefix. Each replayed batch reuses the original
 * allocation, so it reads exactly the events the live batch read; windows and state start empty
 * at `from`, as a fresh batch job would.
 */
export async function replayBatchTimes(app: StreamContext, from: number, to: number): Promise<number[]> {
  const times: number[] = [];
  let before = to + 1;
  for (;;) {
    const page = await app.engine.context.batches.list({ before, limit: 200 });
    for (const b of page) if (b.time >= from && b.status !== 'cleaned') times.push(b.time);
    if (page.length < 200 || page[page.length - 1]!.time < from) break;
    before = page[page.length - 1]!.time;
  }
  return times.reverse();
}

export async function replayBatch(app: StreamContext, from: number, to: number, time: number): Promise<BatchSummary> {
  const original = await app.engine.batch(time);
  if (!original) throw new Error(`batch ${time} is not in the WAL`);
  const prefix = replayPrefix(from, to);
  const storage = {
    ...app.storage,
    partials: prefixedObjectStore(app.storage.partials, `${prefix}/`),
    state: prefixedObjectStore(app.storage.state, `${prefix}/`),
    output: prefixedObjectStore(app.storage.output, `${prefix}/`),
    deadLetters: prefixedObjectStore(app.storage.deadLetters, `${prefix}/`),
    outputTable: prefixedEntityTable(app.storage.outputTable, `${prefix}-`),
  };
  const ssc = new StreamingContext({ batchInterval: app.config.batchIntervalMs, idlePartitionTimeout: app.config.idlePartitionTimeoutMs });
  app.job.build(ssc);
  const engine = new StreamEngine({ ...app.engine.context, blockStream: app.config.streamName, stream: `${app.config.streamName}~${prefix}`, storage, graph: ssc.graph });
  await engine.context.batches.zeroTime(await app.engine.zeroTime());
  const allocation = await engine.context.batches.allocate({ ...original.allocation });
  await Promise.all(engine.planTasks(allocation).map((p) => engine.runTask(time, p.task)));
  return engine.commitBatch(time);
}
