import assert from 'node:assert/strict';
import { it } from 'node:test';
import { RestError } from '@azure/storage-blob';
import { DataPointType, type GaugeMetricData, type HistogramMetricData, type SumMetricData } from '@opentelemetry/sdk-metrics';
import { StreamingContext } from '#sluice/dstream/streaming-context.js';
import type { StreamStorage } from '#sluice/ports/stream-storage.js';
import { BlockStore } from '#sluice/receiver/block-store.js';
import { ReliableReceiver } from '#sluice/receiver/reliable-receiver.js';
import { DriverLoop } from '#sluice/scheduler/driver-loop.js';
import { planTasks } from '#sluice/scheduler/task-planner.js';
import { StreamEngine, type BatchSummary } from '#sluice/scheduler/stream-engine.js';
import type { BatchGaveUp, BatchRetry, BatchTelemetry } from '#sluice/telemetry/batch-telemetry.js';
import { OtelBatchTelemetry } from '#sluice/telemetry/otel-batch-telemetry.js';
import { ATTR, EVENT, METRIC } from '#sluice/telemetry/telemetry-names.js';
import { ManualClock } from '#sluice/util/clock.js';
import { MemoryLogger, silentLogger } from '#sluice/util/log.js';
import { CheckpointStore } from '#sluice/wal/checkpoint-store.js';
import type { BatchAllocated } from '#sluice/wal/wal-events.js';
import { forEachBackend } from '../support/backends.js';
import { captureOtel } from '../support/otel-capture.js';
import { failingPartials } from '../support/failing-partials.js';
import { waitUntil } from '../support/wait.js';

const INTERVAL = 1000;

interface WorldOptions { maxEvents?: number; maxBytes?: number; telemetry?: BatchTelemetry; partitions?: number }

function world(storage: StreamStorage, options: WorldOptions = {}) {
  const clock = new ManualClock(0);
  const ssc = new StreamingContext({ batchInterval: INTERVAL });
  ssc.eventHubStream<{ n: number }>().map((e) => ['all', e.n] as [string, number]).reduceByKey((a, b) => a + b).saveAsTextFiles('sums');
  const log = new MemoryLogger();
  const engine = new StreamEngine({
    stream: 's', batchIntervalMs: INTERVAL, maxTasksPerBatch: 4, blockRetentionMs: 1e9, walRetentionMs: 1e9, storage, graph: ssc.graph, clock, log,
    ...(options.maxEvents !== undefined && { maxEventsPerPartition: options.maxEvents }), ...(options.maxBytes !== undefined && { maxBytesPerPartition: options.maxBytes }),
    ...(options.telemetry && { telemetry: options.telemetry }),
  });
  const receivers = Array.from({ length: options.partitions ?? 1 }, (_, p) => new ReliableReceiver(new BlockStore(storage.blocks, 's'), new CheckpointStore(storage.wal, 's'), { source: 'events', partition: String(p), blockIntervalMs: 100, maxBlockBytes: 1 << 20, owner: 't' }, clock, silentLogger));
  const seq = receivers.map(() => 0);
  /** One block per call and partition: the events share one enqueued time, then the clock moves past the block interval. */
  const send = async (count: number, partition = 0) => {
    const events = Array.from({ length: count }, () => ({ body: JSON.stringify({ n: 1 }), sequenceNumber: seq[partition]!, offset: String(seq[partition]!++), enqueuedTime: clock.now() }));
    await receivers[partition]!.receive(events);
    clock.advance(100);
  };
  /** Until the loop waits on the clock (or `ended` holds: a loop that stopped never parks again). */
  const parked = (ended: () => boolean = () => false) => waitUntil(() => clock.waiting > 0 || ended(), 'the driver loop waits on the clock');
  return { clock, engine, storage, send, log, parked };
}

/** Sums of the batch outputs: what went through the pipeline. */
async function processed(storage: StreamStorage, times: number[]): Promise<number> {
  let total = 0;
  for (const t of times) {
    const out = await storage.output.get(`sums-${t}.ndjson`);
    if (out) for (const line of new TextDecoder().decode(out).split('\n').filter(Boolean)) total += (JSON.parse(line) as { value: number }).value;
  }
  return total;
}

class RecordingTelemetry implements BatchTelemetry {
  readonly completed: { summary: BatchSummary; allocation: BatchAllocated }[] = [];
  readonly retries: BatchRetry[] = [];
  readonly failures: BatchGaveUp[] = [];
  batchCompleted(summary: BatchSummary, allocation: BatchAllocated): void { this.completed.push({ summary, allocation }); }
  batchRetry(retry: BatchRetry): void { this.retries.push(retry); }
  batchGaveUp(failure: BatchGaveUp): void { this.failures.push(failure); }
  eventsLost(): void { throw new Error('no receiver runs in these tests'); }
}

forEachBackend('backpressure', (backend) => {
  it('a batch takes at most the per-partition bounds in whole blocks; the rest is its backlog, worked off batch by batch', async () => {
    const w = world(backend().storage(), { maxEvents: 5, partitions: 2 });
    await w.engine.zeroTime();
    for (const n of [3, 2, 4, 1]) await w.send(n, 0); // blocks of 3, 2, 4 and 1 events
    await w.send(7, 1); // one block above the bound: still taken whole
    const first = await w.engine.allocateBatch(1000);
    const [p0, p1] = first.ranges;
    assert.deepEqual(p0!.blocks.map((b) => b.count), [3, 2], 'partition 0 stops before the block that would pass 5 events');
    assert.equal(p0!.upTo, 4);
    assert.deepEqual(p0!.backlog, { events: 5, bytes: p0!.backlog!.bytes });
    assert.ok(p0!.backlog!.bytes > 0);
    assert.deepEqual(p1!.blocks.map((b) => b.count), [7], 'a block larger than the bound moves on alone');
    assert.equal(p1!.backlog, undefined);
    assert.deepEqual(first.backlog, p0!.backlog);
    assert.deepEqual(await w.engine.allocateBatch(1000), first, 'a retried allocation reads the recorded one');

    w.clock.set(1000);
    await w.engine.runBatch(1000);
    w.clock.set(2000);
    await w.engine.runBatch(2000);
    const second = (await w.engine.batch(2000))!.allocation;
    assert.deepEqual(second.ranges[0]!.blocks.map((b) => b.count), [4, 1]);
    assert.equal(second.backlog, undefined, 'the backlog is worked off');
    assert.equal(await processed(w.storage, [1000, 2000]), 17, 'every event went through exactly one batch');
  });

  it('the bytes bound cuts the same way', async () => {
    const w = world(backend().storage(), { maxBytes: 1 });
    await w.engine.zeroTime();
    await w.send(2);
    await w.send(2);
    const a = await w.engine.allocateBatch(1000);
    assert.equal(a.ranges[0]!.blocks.length, 1);
    assert.equal(a.backlog!.events, 2);
  });
});

it('tasks are sized by bytes: a few large blocks weigh as much as many small ones', () => {
  const blocks = [{ first: 0, last: 0, count: 1, bytes: 900 }, ...Array.from({ length: 9 }, (_, i) => ({ first: i + 1, last: i + 1, count: 100, bytes: 100 }))];
  const allocation: BatchAllocated = { kind: 'BatchAllocated', time: 1, allocatedAt: 1, records: 901, bytes: 1800, ranges: [{ source: 'e', partition: '0', after: -1, upTo: 9, blocks }] };
  const plans = planTasks(allocation, 2);
  assert.deepEqual(plans.map((p) => p.blocks.reduce((n, b) => n + b.bytes, 0)), [900, 900], 'split by bytes, not by records (901 / 2)');
});

forEachBackend('retries', (backend) => {
  it('a storage outage never stops the loop: the batch is retried with capped backoff, later batches catch up in order', async () => {
    const down = failingPartials(() => new RestError('The server is busy.', { statusCode: 503, code: 'ServerBusy' }));
    const telemetry = new RecordingTelemetry();
    const w = world(down.wrap(backend().storage()), { telemetry });
    const seen: number[] = [];
    const loop = new DriverLoop(w.engine, { retries: 1, retryDelayMs: 100, maxRetryDelayMs: 400, onBatch: (s) => seen.push(s.time), telemetry });
    const running = loop.start();
    await w.parked();
    await w.send(3);
    down.state.failing = true;
    w.clock.set(1000);
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) { // far more attempts than the one permanent retry allowed
      await w.parked();
      const r = loop.retrying!;
      assert.equal(r.attempt, i + 1);
      delays.push(r.nextAt - w.clock.now());
      w.clock.set(r.nextAt);
    }
    assert.deepEqual(delays, [100, 200, 400, 400, 400, 400, 400, 400], 'capped exponential backoff');
    assert.equal((await w.engine.batch(1000))!.status, 'allocated', 'never recorded failed');
    assert.equal(telemetry.retries.length, 8);
    assert.ok(telemetry.retries.every((r) => r.transient && /status 503, ServerBusy/.test(r.error)));
    assert.equal(w.log.lines.filter((l) => l.level === 'warn' && l.message.startsWith('retrying batch 1000')).length, 8);
    assert.equal(w.log.lines.find((l) => l.message.startsWith('retrying batch 1000'))!.fields!['attempt'], 1);

    await w.send(2); // arrives during the outage, waits for a later batch
    await w.parked();
    down.state.failing = false;
    w.clock.set(4500);
    await w.parked();
    assert.deepEqual(seen, [1000, 2000, 3000, 4000], 'the retried batch, then the queued batch times in order');
    assert.equal(loop.retrying, undefined);
    const done = (await w.engine.batch(1000))!;
    assert.equal(telemetry.retries.length, 9, 'one more failed attempt while the events arrived');
    assert.equal(done.completion!.attempts, 10);
    assert.equal(telemetry.completed[0]!.summary.attempts, 10);
    assert.equal(await processed(w.storage, seen), 5);
    await loop.stop();
    await running;
  });

  it('with a transient bound, an outage longer than it fails the batch as SLUICE_ON_BATCH_FAILURE says', async () => {
    const down = failingPartials(() => Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
    const telemetry = new RecordingTelemetry();
    const w = world(down.wrap(backend().storage()), { telemetry });
    const loop = new DriverLoop(w.engine, { retries: 0, retryDelayMs: 100, maxRetryDelayMs: 1000, transientLimitMs: 2000, onBatchFailure: 'stop', telemetry });
    let ended = false;
    const running = loop.start().finally(() => { ended = true; });
    await w.parked();
    await w.send(1);
    down.state.failing = true;
    w.clock.set(1000);
    while (loop.stoppedBy === undefined) {
      await w.parked(() => ended);
      if (loop.stoppedBy !== undefined || !loop.retrying) break;
      w.clock.set(loop.retrying.nextAt);
    }
    await running;
    const failed = (await w.engine.batch(1000))!;
    assert.equal(failed.status, 'failed');
    assert.match(failed.failure!.error, /still failing transiently after \d+ ms \(SLUICE_TRANSIENT_RETRY_LIMIT\): read ECONNRESET/);
    assert.ok(w.clock.now() - 1000 >= 2000, 'it kept retrying for the whole bound');
    assert.equal(telemetry.failures.length, 1);
    assert.equal(failed.failure!.attempts, telemetry.failures[0]!.attempts);
  });
});

forEachBackend('telemetry', (backend) => {
  it('every batch emits its records, delays, lag, dead letters and retries through OpenTelemetry', async () => {
    const otel = captureOtel();
    const telemetry = new OtelBatchTelemetry('s', INTERVAL, otel);
    const w = world(backend().storage(), { telemetry, maxEvents: 4, partitions: 2 });
    await w.engine.zeroTime();
    await w.send(4, 0);
    await w.send(3, 0); // left for the next batch: partition 0's lag
    await w.send(2, 1);
    w.clock.set(1250);
    const summary = await w.engine.runBatch(1000, 2);
    telemetry.batchRetry({ batchTime: 2000, attempt: 1, transient: true, delayMs: 1000, nextAt: 3000, since: 2000, error: 'busy (status 503)' });

    const [record, retry] = otel.logRecords();
    assert.equal(record!.attributes[ATTR.event], EVENT.completed);
    assert.equal(record!.attributes[ATTR.batchTime], 1000);
    assert.equal(record!.attributes[ATTR.records], 6);
    assert.equal(record!.attributes[ATTR.schedulingDelayMs], summary.schedulingDelayMs);
    assert.equal(record!.attributes[ATTR.schedulingDelayMs], 250, 'the batch started 250 ms after its time');
    assert.equal(record!.attributes[ATTR.processingMs], summary.processingMs);
    assert.equal(record!.attributes[ATTR.totalDelayMs], summary.totalDelayMs);
    assert.equal(record!.attributes[ATTR.intervalMs], INTERVAL);
    assert.equal(record!.attributes[ATTR.lagEvents], 3);
    assert.equal(record!.attributes[ATTR.attempts], 2);
    assert.equal(record!.attributes[ATTR.retries], 1);
    assert.equal(record!.attributes[ATTR.deadLetters], 0);
    assert.equal(retry!.attributes[ATTR.event], EVENT.retry);
    assert.equal(retry!.attributes[ATTR.transient], true);

    const metrics = await otel.metrics();
    const byName = (name: string) => metrics.find((m) => m.descriptor.name === name);
    assert.equal((byName(METRIC.records) as SumMetricData).dataPoints[0]!.value, 6);
    const processing = byName(METRIC.processingTime) as HistogramMetricData;
    assert.equal(processing.dataPointType, DataPointType.HISTOGRAM);
    assert.equal(processing.dataPoints[0]!.value.count, 1);
    assert.equal(processing.dataPoints[0]!.value.sum, summary.processingMs);
    assert.equal((byName(METRIC.schedulingDelay) as HistogramMetricData).dataPoints[0]!.value.sum, 250);
    const lag = byName(METRIC.partitionLag) as GaugeMetricData;
    assert.deepEqual(lag.dataPoints.map((p) => [p.attributes[ATTR.partition], p.value]).sort(), [['events/0', 3], ['events/1', 0]]);
    assert.equal((byName(METRIC.retries) as SumMetricData).dataPoints[0]!.value, 1);
    await otel.close();
  });
});
