import { memoryStreamStorage } from '../adapters/memory/memory-storage.js';
import { durationMs } from '../config/duration.js';
import { isValidTime } from '../dstream/node.js';
import { StreamingContext } from '../dstream/streaming-context.js';
import { BlockStore } from '../receiver/block-store.js';
import { ReliableReceiver } from '../receiver/reliable-receiver.js';
import { StreamEngine } from '../scheduler/stream-engine.js';
import type { Sink } from '../sinks/sink.js';
import { ManualClock } from '../util/clock.js';
import { silentLogger } from '../util/log.js';
import { CheckpointStore } from '../wal/checkpoint-store.js';
// The public types by the package's own name, so the sluice/testing declarations refer to the
// `sluice` entry point rather than repeat its types (the API report shows them as imports).
import type { BatchCompleted, DStream, Duration, StreamStorage } from 'sluice';

/**
 * One batch of one input: its records, all sent to partition 0, or `{ partitions }` with the
 * records each partition sends (event-time tests: a lagging or silent partition).
 */
export type BatchInput<I> = readonly I[] | { readonly partitions: readonly (readonly I[])[] };

export interface RunBatchesOptions<I, O> {
  /** One entry per input stream; each is one batch input per batch (an empty array is an empty batch). */
  readonly inputs: readonly (readonly BatchInput<I>[])[];
  /** Gets one DStream per input; returns the stream whose batches are collected. */
  readonly build: (...streams: DStream<I>[]) => DStream<O>;
  readonly batchIntervalMs: Duration;
  /** Defaults to the longest input; shorter inputs are padded with empty batches. */
  readonly numBatches?: number;
  /** Stores to run on: the in-memory twins by default, or Azure adapters (e.g. on Azurite). */
  readonly storage?: StreamStorage;
  readonly maxTasksPerBatch?: number;
  /** Simulates a process restart after these batch numbers (1-based): pipeline, engine and receivers are rebuilt from storage. */
  readonly restartAfter?: readonly number[];
  /**
   * Simulates a crash in the commit of these batch numbers (1-based), after every node ran and
   * persisted its state but before the outputs and BatchCompleted were written; the process then
   * restarts and the batch is replayed.
   */
  readonly crashInCommit?: readonly number[];
  /** Runs the engine's cleanup (state snapshots past every node's rememberMs) after every this many batches; 1 by default, 0 never. */
  readonly cleanUpEvery?: number;
  /** The enqueued time of each event (for "enqueuedTime" event time); by default just before its batch time. */
  readonly enqueuedTime?: (record: I, at: { batch: number; input: number; partition: number; batchTime: number }) => number;
  /** The pipeline's default idle-partition timeout (SLUICE_IDLE_PARTITION_TIMEOUT). */
  readonly idlePartitionTimeout?: Duration;
  /** Called with each batch's completion record: its watermark, late records and dropped copies. */
  readonly onBatchCompleted?: (completion: BatchCompleted) => void;
}

function partitionsOf<I>(batch: BatchInput<I> | undefined): readonly (readonly I[])[] {
  if (batch === undefined) return [];
  return 'partitions' in batch ? batch.partitions : [batch as readonly I[]];
}

/**
 * Spark's TestSuiteBase in one call: feeds each input's batches through real receivers (blocks and
 * WAL), runs the real driver steps (allocate, tasks, commit) for batch k at time k × interval on a
 * manual clock, and returns the output stream's records per batch. A windowed output with a slide
 * of several batches yields only its slide-aligned batches. Records go in as JSON event bodies, so
 * they must be JSON values.
 */
export async function runBatches<I, O>(options: RunBatchesOptions<I, O>): Promise<O[][]> {
  const interval = durationMs(options.batchIntervalMs, 'batchIntervalMs');
  const numBatches = options.numBatches ?? Math.max(0, ...options.inputs.map((i) => i.length));
  const storage = options.storage ?? memoryStreamStorage();
  const clock = new ManualClock(0);
  const stream = 'test';
  const restarts = new Set(options.restartAfter ?? []);
  const crashes = new Set((options.crashInCommit ?? []).map((k) => k * interval));
  const cleanUpEvery = options.cleanUpEvery ?? 1;
  const collected = new Map<number, O[]>();
  const partitionCounts = options.inputs.map((batches) => Math.max(1, ...batches.map((b) => partitionsOf(b).length)));
  const sequence = partitionCounts.map((n) => Array.from({ length: n }, () => 0));

  async function start() {
    const ssc = new StreamingContext({ batchInterval: interval, ...(options.idlePartitionTimeout !== undefined && { idlePartitionTimeout: options.idlePartitionTimeout }) });
    const streams = options.inputs.map((_, i) => ssc.eventHubStream<I>({ source: `in${i}` }));
    const out = options.build(...streams);
    const collect: Sink<O> = {
      name: 'collect',
      write: async (records, ctx) => {
        if (crashes.delete(ctx.time)) throw new SimulatedCrash(ctx.time);
        collected.set(ctx.time, [...records]);
        return undefined;
      },
    };
    out.to(collect);
    const engine = new StreamEngine({
      stream, batchIntervalMs: interval, maxTasksPerBatch: options.maxTasksPerBatch ?? 2,
      blockRetentionMs: Number.MAX_SAFE_INTEGER / 4, walRetentionMs: Number.MAX_SAFE_INTEGER / 4,
      storage, graph: ssc.graph, clock, log: silentLogger,
    });
    const blocks = new BlockStore(storage.blocks, stream);
    const checkpoints = new CheckpointStore(storage.wal, stream);
    const receivers = partitionCounts.map((n, i) => Array.from({ length: n }, (_, p) =>
      new ReliableReceiver(blocks, checkpoints, { source: `in${i}`, partition: String(p), blockIntervalMs: interval, maxBlockBytes: 4 * 1024 ** 2, owner: 'runBatches' }, clock, silentLogger)));
    await engine.zeroTime(); // fixed at clock 0 on first start, read back from storage after a restart
    return { engine, receivers, output: out };
  }

  let current = await start();
  const results: O[][] = [];
  for (let k = 1; k <= numBatches; k++) {
    const time = k * interval;
    clock.set(time - interval + 1);
    for (const [i, input] of options.inputs.entries()) {
      for (const [p, records] of partitionsOf(input[k - 1]).entries()) {
        const seq = sequence[i]!;
        await current.receivers[i]![p]!.receive(records.map((r, j) => ({
          body: JSON.stringify(r), sequenceNumber: seq[p]! + j, offset: String(seq[p]! + j),
          enqueuedTime: options.enqueuedTime ? options.enqueuedTime(r, { batch: k, input: i, partition: p, batchTime: time }) : clock.now(),
        })));
        seq[p]! += records.length;
      }
    }
    clock.set(time);
    try {
      await current.engine.runBatch(time);
    } catch (err) {
      if (!(err instanceof SimulatedCrash)) throw err;
      current = await start();
      await current.engine.runBatch(time);
    }
    if (isValidTime(current.output.node, time, await current.engine.zeroTime())) results.push(collected.get(time) ?? []);
    const completion = (await current.engine.batch(time))?.completion;
    if (completion && options.onBatchCompleted) options.onBatchCompleted(completion);
    if (cleanUpEvery > 0 && k % cleanUpEvery === 0) await current.engine.cleanUp();
    if (restarts.has(k)) current = await start();
  }
  return results;
}

class SimulatedCrash extends Error {
  constructor(time: number) {
    super(`simulated crash in the commit of batch ${time}`);
  }
}
