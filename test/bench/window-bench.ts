import { performance } from 'node:perf_hooks';
import { memoryStreamStorage } from '#sluice/adapters/memory/memory-storage.js';
import { StreamingContext } from '#sluice/dstream/streaming-context.js';
import type { ReceivedEvent } from '#sluice/receiver/received-event.js';
import { encodePartial } from '#sluice/scheduler/partial.js';
import { partialName } from '#sluice/scheduler/task-runner.js';
import { planStages, TaskStage } from '#sluice/scheduler/task-stage.js';
import { StreamEngine } from '#sluice/scheduler/stream-engine.js';
import { ManualClock } from '#sluice/util/clock.js';
import { silentLogger } from '#sluice/util/log.js';

const EVENTS_PER_BATCH = 100_000;
const KEYS = 10_000;
const TASKS = 4;
const INTERVAL = 1000;
const MEASURED = 20;
const WINDOWS = [2, 10, 60];
/** Distinct batches of input, used in turn so windows really change from batch to batch. */
const VARIANTS = 3;

type Build = (ssc: StreamingContext, windowBatches: number) => void;

const withInverse: Build = (ssc, w) => {
  ssc.eventHubStream<[string, number]>().reduceByKeyAndWindow((a, b) => a + b, w * INTERVAL, INTERVAL, { inverse: (a, b) => a - b }).foreachBatch(() => undefined);
};
const withoutInverse: Build = (ssc, w) => {
  ssc.eventHubStream<[string, number]>().reduceByKeyAndWindow((a, b) => a + b, w * INTERVAL, INTERVAL).foreachBatch(() => undefined);
};

/**
 * Processing time per batch of reduceByKeyAndWindow (slide = 1 batch) at several window lengths,
 * 100k events over 10k keys per batch. The tasks' side (decode and map-side reduce) does not
 * depend on the window, so it is run once per input variant to build real partials; each batch
 * then runs the engine's real commit (merge partials, reduce, persist the slice, window, persist
 * the window, output) on the in-memory stores, and is timed. Steady state: the last 10 batches
 * after the window has filled.
 */
export async function windowBench(print: (line: string) => void): Promise<void> {
  print(`window bench: reduceByKeyAndWindow, ${EVENTS_PER_BATCH} events/batch over ${KEYS} keys, ${TASKS} tasks, slide 1 batch; commit ms per batch (median of ${MEASURED} steady-state batches)`);
  const taskStart = performance.now();
  const partials = await Promise.all(Array.from({ length: VARIANTS }, (_, v) => buildPartials(v)));
  print(`  task side, once per batch whatever the window: ${((performance.now() - taskStart) / VARIANTS).toFixed(0)} ms per ${EVENTS_PER_BATCH} events (all ${TASKS} tasks, sequential)`);
  for (const [label, build] of [['with inverse', withInverse], ['without inverse', withoutInverse]] as const) {
    const medians: number[] = [];
    for (const w of WINDOWS) medians.push(await commitTimes(build, w, partials));
    const ratio = medians.at(-1)! / medians[0]!;
    const figures = WINDOWS.map((w, i) => `${w} batches ${medians[i]!.toFixed(1)} ms`).join(', ');
    print(`  ${label.padEnd(15)}: ${figures}; ${WINDOWS.at(-1)}/${WINDOWS[0]} ratio ${ratio.toFixed(2)}${label === 'with inverse' ? ' (target <= 1.5)' : ''}`);
  }
}

/** The encoded partial of each task for one batch of input, made by the real task stage. */
async function buildPartials(variant: number): Promise<Uint8Array[]> {
  const ssc = new StreamingContext({ batchInterval: INTERVAL });
  withInverse(ssc, 2); // same record side as every measured pipeline: input, then a map-side reduceByKey
  const perTask = EVENTS_PER_BATCH / TASKS;
  const random = mulberry32(12345 + variant * 7919);
  return Array.from({ length: TASKS }, (_, task) => {
    const stage = new TaskStage(planStages(ssc.graph));
    for (let i = 0; i < perTask; i++) {
      const seq = task * perTask + i;
      const event: ReceivedEvent = { body: JSON.stringify([`k${Math.floor(random() * KEYS)}`, 1]), sequenceNumber: seq, offset: String(seq), enqueuedTime: 0 };
      const failure = stage.process({ source: 'events', partition: '0' }, event);
      if (failure) throw new Error(`bench event failed: ${String(failure.error)}`);
    }
    const summary = { task, blocks: 1, recordsIn: perTask, recordsOut: stage.recordsOut, deadLettered: 0, bytes: 0, durationMs: 0 };
    return encodePartial({ summary, startedAt: 0, ...stage.result() });
  });
}

/** Runs windowBatches + MEASURED batches through the commit; returns the median commit time of the last MEASURED. */
async function commitTimes(build: Build, windowBatches: number, partials: Uint8Array[][]): Promise<number> {
  const ssc = new StreamingContext({ batchInterval: INTERVAL });
  build(ssc, windowBatches);
  const storage = memoryStreamStorage();
  const clock = new ManualClock(0);
  const engine = new StreamEngine({
    stream: 'bench', batchIntervalMs: INTERVAL, maxTasksPerBatch: TASKS, blockRetentionMs: 1e15, walRetentionMs: 1e15,
    storage, graph: ssc.graph, clock, log: silentLogger,
  });
  await engine.zeroTime();
  const perTask = EVENTS_PER_BATCH / TASKS;
  const times: number[] = [];
  const batches = windowBatches + MEASURED;
  for (let k = 1; k <= batches; k++) {
    const time = k * INTERVAL;
    clock.set(time);
    const after = (k - 1) * EVENTS_PER_BATCH - 1;
    const blocks = Array.from({ length: TASKS }, (_, t) => ({ first: after + 1 + t * perTask, last: after + (t + 1) * perTask, count: perTask, bytes: 0 }));
    await engine.context.batches.allocate({
      kind: 'BatchAllocated', time, allocatedAt: time, records: EVENTS_PER_BATCH, bytes: 0,
      ranges: [{ source: 'events', partition: '0', after, upTo: after + EVENTS_PER_BATCH, blocks }],
    });
    const variant = partials[k % partials.length]!;
    for (const [task, data] of variant.entries()) await storage.partials.put(partialName('bench', time, task), data);
    const start = performance.now();
    await engine.commitBatch(time);
    if (k > windowBatches) times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

/** A small seeded generator, so every run benches the same input. */
function mulberry32(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
