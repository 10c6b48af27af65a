import { performance } from 'node:perf_hooks';
import { memoryStreamStorage } from '#sluice/adapters/memory/memory-storage.js';
import { StreamingContext } from '#sluice/dstream/streaming-context.js';
import type { StreamStorage } from '#sluice/ports/stream-storage.js';
import type { ReceivedEvent } from '#sluice/receiver/received-event.js';
import { encodePartial } from '#sluice/scheduler/partial.js';
import { partialName } from '#sluice/scheduler/task-runner.js';
import { planStages, TaskStage } from '#sluice/scheduler/task-stage.js';
import { StreamEngine } from '#sluice/scheduler/stream-engine.js';
import { ManualClock } from '#sluice/util/clock.js';
import { mulberry32 } from '#dev/sample-events.js';
import { silentLogger } from '#sluice/util/log.js';
import { padTime } from '#sluice/wal/keys.js';

const INTERVAL = 1000;
const PARTITIONS = 4;
const KEYS = 1000;

interface Reading { id: number; key: string; t: number }

type Build = (ssc: StreamingContext) => void;

/** The state bench's pipeline: 1-minute watermark, dedup within it, 10 s windows per key, append. */
const watermarked: Build = (ssc) => {
  ssc.eventHubStream<Reading>().withWatermark((r) => r.t, '1m').dropDuplicatesWithinWatermark((r) => r.id)
    .map((r) => [r.key, 1] as [string, number]).window('10s').countByKey().foreachBatch(() => undefined);
};
/** The throughput bench's pipeline: a tumbling event-time count per key, nothing else. */
const tumblingCount: Build = (ssc) => {
  ssc.eventHubStream<Reading>().withWatermark((r) => r.t, '1m').map((r) => [r.key, 1] as [string, number]).window('1m').countByKey().foreachBatch(() => undefined);
};
/** The same count by batch time (reduceByKey), for comparison. */
const batchTimeCount: Build = (ssc) => {
  ssc.eventHubStream<Reading>().map((r) => [r.key, 1] as [string, number]).reduceByKey((a, b) => a + b).foreachBatch(() => undefined);
};

/**
 * Event time, on the in-memory stores (the figures are the engine's own costs, not storage
 * latency). State: 200 batches of steady input whose event time advances one second per batch,
 * with readings up to 20 s out of order and 1 in 50 sent twice; the state written per batch
 * (watermark, dedup keys, open windows) and the commit time, early and late. The state must
 * stay flat once the watermark is a minute in: bounded by the watermark, not by the run.
 * Throughput: events per second through the task side and commit of a tumbling event-time
 * count, against the same count by batch time.
 */
export async function eventTimeBench(print: (line: string) => void, options: { quick: boolean }): Promise<void> {
  const perBatch = options.quick ? 100 : 1000;
  const batches = 200;
  print(`event-time bench: ${batches} batches of ${perBatch} events (${PARTITIONS} partitions, ${KEYS} keys), 1-minute watermark, dedup + 10 s windows per key, in-memory stores${options.quick ? ' (--quick)' : ''}`);
  const samples = await stateRun(watermarked, perBatch, batches);
  for (const k of [10, 60, 100, 150, 200]) {
    const s = samples[k - 1]!;
    print(`  batch ${String(k).padStart(3)}: state ${(s.stateBytes / 1024).toFixed(0).padStart(5)} KiB in ${s.stateObjects} snapshots, commit ${s.commitMs.toFixed(1)} ms`);
  }
  const median = (from: number, to: number) => samples.slice(from, to).map((s) => s.commitMs).sort((a, b) => a - b)[Math.floor((to - from) / 2)]!;
  print(`  commit median, batches 61-100: ${median(60, 100).toFixed(1)} ms; batches 161-200: ${median(160, 200).toFixed(1)} ms`);

  const throughputEvents = options.quick ? 20_000 : 100_000;
  const measured = options.quick ? 5 : 10;
  for (const [label, build] of [['tumbling event-time count', tumblingCount], ['batch-time reduceByKey', batchTimeCount]] as const) {
    const runs = await stateRun(build, throughputEvents, measured);
    const ms = runs.reduce((n, s) => n + s.taskMs + s.commitMs, 0);
    print(`  ${label.padEnd(26)}: ${Math.round((throughputEvents * measured) / (ms / 1000)).toLocaleString('en-US')} events/s (tasks + commit, ${throughputEvents} events/batch, ${measured} batches)`);
  }
}

interface Sample { commitMs: number; taskMs: number; stateBytes: number; stateObjects: number }

async function stateRun(build: Build, perBatch: number, batches: number): Promise<Sample[]> {
  const ssc = new StreamingContext({ batchInterval: INTERVAL });
  build(ssc);
  const storage = memoryStreamStorage();
  const clock = new ManualClock(0);
  const engine = new StreamEngine({ stream: 'bench', batchIntervalMs: INTERVAL, maxTasksPerBatch: PARTITIONS, blockRetentionMs: 1e15, walRetentionMs: 1e15, storage, graph: ssc.graph, clock, log: silentLogger });
  await engine.zeroTime();
  const random = mulberry32(2024);
  const perTask = perBatch / PARTITIONS;
  const samples: Sample[] = [];
  let id = 0;
  for (let k = 1; k <= batches; k++) {
    const time = k * INTERVAL;
    clock.set(time);
    const after = (k - 1) * perTask - 1;
    const taskStart = performance.now();
    for (let p = 0; p < PARTITIONS; p++) {
      const stage = new TaskStage(planStages(ssc.graph));
      for (let i = 0; i < perTask; i++) {
        const resend = random() < 0.02 && id > 0; // a producer retry of the previous reading
        const reading: Reading = { id: resend ? id - 1 : ++id, key: `k${Math.floor(random() * KEYS)}`, t: k * 1000 - Math.floor(random() * 20_000) };
        const event: ReceivedEvent = { body: JSON.stringify(reading), sequenceNumber: after + 1 + i, offset: String(after + 1 + i), enqueuedTime: time };
        const failure = stage.process({ source: 'events', partition: String(p) }, event);
        if (failure) throw new Error(`bench event failed: ${String(failure.error)}`);
      }
      const summary = { task: p, blocks: 1, recordsIn: perTask, recordsOut: stage.recordsOut, deadLettered: 0, bytes: 0, durationMs: 0 };
      await storage.partials.put(partialName('bench', time, p), encodePartial({ summary, startedAt: 0, ...stage.result() }));
    }
    const taskMs = performance.now() - taskStart;
    await engine.context.batches.allocate({
      kind: 'BatchAllocated', time, allocatedAt: time, records: perBatch, bytes: 0,
      // One block per partition, in partition order, so the planner gives task p partition p.
      ranges: Array.from({ length: PARTITIONS }, (_, p) => ({ source: 'events', partition: String(p), after, upTo: after + perTask, blocks: [{ first: after + 1, last: after + perTask, count: perTask, bytes: 0 }] })),
    });
    const start = performance.now();
    await engine.commitBatch(time);
    const commitMs = performance.now() - start;
    await engine.cleanUp();
    samples.push({ commitMs, taskMs, ...(await stateAt(storage, time)) });
  }
  return samples;
}

/** The state snapshots written at `time`, and their size. */
async function stateAt(storage: StreamStorage, time: number): Promise<{ stateBytes: number; stateObjects: number }> {
  const names = (await storage.state.list('bench/')).filter((n) => n.endsWith(`/${padTime(time)}.json`));
  let stateBytes = 0;
  for (const n of names) stateBytes += (await storage.state.get(n))?.byteLength ?? 0;
  return { stateBytes, stateObjects: names.length };
}
