import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StreamingContext } from '#sluice/dstream/streaming-context.js';
import type { StreamStorage } from '#sluice/ports/stream-storage.js';
import type { TableOperation } from '#sluice/ports/entity-table.js';
import { BlockStore } from '#sluice/receiver/block-store.js';
import type { ReceivedEvent } from '#sluice/receiver/received-event.js';
import { ReliableReceiver } from '#sluice/receiver/reliable-receiver.js';
import { readDeadLetters } from '#sluice/scheduler/dead-letter.js';
import { StreamEngine } from '#sluice/scheduler/stream-engine.js';
import { ManualClock } from '#sluice/util/clock.js';
import { silentLogger } from '#sluice/util/log.js';
import { CheckpointStore } from '#sluice/wal/checkpoint-store.js';
import { forEachBackend } from '../support/backends.js';
import { CrashError, CrashSwitch, type CrashPoint } from '../support/crashing-storage.js';

/**
 * Crash points during event-time commits, in the style of test/engine/crash-points.test.ts: the
 * process dies right after one write reached storage, restarts from storage and carries on. The
 * outputs (append and update windows, deduplicated records), the dead-lettered late records and
 * every batch's watermark must equal an uninterrupted run's.
 */
const PARTITIONS = 2;
const BATCHES = 8;
const INTERVAL = 1000;

interface Reading { id: string; device: string; t: number }

/** Per batch and partition: readings moving forward 4 s a batch, with copies, disorder and late ones. */
function eventsOf(batch: number, partition: number): Reading[] {
  const base = batch * 4000 + partition * 500;
  const out: Reading[] = [];
  for (let i = 0; i < 5; i++) out.push({ id: `${batch}-${partition}-${i}`, device: `d${(i + partition) % 3}`, t: base + ((i * 1700) % 4000) });
  out.push({ ...out[1]! }); // a producer retry: the same reading again
  if (batch >= 4) out.push({ id: `late-${batch}-${partition}`, device: 'd0', t: 1000 }); // long behind the watermark
  return out;
}

function pipeline(): StreamingContext {
  const ssc = new StreamingContext({ batchInterval: INTERVAL });
  const readings = ssc.eventHubStream<Reading>().withWatermark((r) => r.t, '3s', { lateRecords: 'deadLetter' }).dropDuplicatesWithinWatermark((r) => r.id);
  const perDevice = readings.map((r) => [r.device, 1] as [string, number]).window('5s');
  perDevice.countByKey().saveAsTextFiles('append');
  perDevice.countByKey({ outputMode: 'update' }).saveAsTextFiles('update');
  readings.records().map((r) => r.id).saveAsTextFiles('kept');
  return ssc;
}

function startProcess(storage: StreamStorage, clock: ManualClock, crash: CrashSwitch) {
  const wrapped = crash.wrap(storage);
  const engine = new StreamEngine({ stream: 'et', batchIntervalMs: INTERVAL, maxTasksPerBatch: 2, blockRetentionMs: 1e12, walRetentionMs: 1e12, storage: wrapped, graph: pipeline().graph, clock, log: silentLogger });
  const blocks = new BlockStore(wrapped.blocks, 'et');
  const checkpoints = new CheckpointStore(wrapped.wal, 'et');
  const receivers = Array.from({ length: PARTITIONS }, (_, p) =>
    new ReliableReceiver(blocks, checkpoints, { source: 'events', partition: String(p), blockIntervalMs: 500, maxBlockBytes: 400, owner: 'proc' }, clock, silentLogger));
  return { engine, receivers };
}

async function runWorld(storage: StreamStorage, point: CrashPoint | undefined): Promise<number> {
  const clock = new ManualClock(0);
  let crash = new CrashSwitch(point);
  let proc = startProcess(storage, clock, crash);
  let crashes = 0;
  const attempt = async (step: () => Promise<unknown>): Promise<void> => {
    for (;;) {
      try {
        await step();
        return;
      } catch (err) {
        if (!(err instanceof CrashError)) throw err;
        crashes++;
        crash = new CrashSwitch(undefined);
        proc = startProcess(storage, clock, crash);
      }
    }
  };
  const sequence = Array.from({ length: PARTITIONS }, () => 0);
  await attempt(() => proc.engine.zeroTime());
  for (let k = 1; k <= BATCHES + 3; k++) {
    for (let p = 0; p < PARTITIONS; p++) {
      const readings = k <= BATCHES ? eventsOf(k, p) : [];
      const events: ReceivedEvent[] = readings.map((r, j) => ({ body: JSON.stringify(r), sequenceNumber: sequence[p]! + j, offset: String(sequence[p]! + j), enqueuedTime: clock.now() }));
      // A receiver call that crashed is redelivered whole, as the Event Hubs extension does.
      await attempt(() => proc.receivers[p]!.receive(events));
      sequence[p]! += events.length;
    }
    clock.set(k * INTERVAL);
    await attempt(() => proc.engine.runBatch(k * INTERVAL));
  }
  return crashes;
}

async function snapshot(storage: StreamStorage): Promise<Record<string, unknown>> {
  const outputs: Record<string, string> = {};
  for (const name of (await storage.output.list('')).sort()) outputs[name] = Buffer.from((await storage.output.get(name))!).toString();
  const late = (await readDeadLetters(storage.deadLetters, 'et/')).map((d) => `${d.batchTime}|${d.reason}|${d.watermark}|${d.record}`).sort();
  const engine = new StreamEngine({ stream: 'et', batchIntervalMs: INTERVAL, maxTasksPerBatch: 2, blockRetentionMs: 1e12, walRetentionMs: 1e12, storage, graph: pipeline().graph, clock: new ManualClock(0), log: silentLogger });
  const batches: unknown[] = [];
  for (let k = 1; k <= BATCHES + 3; k++) {
    const c = (await engine.batch(k * INTERVAL))?.completion;
    batches.push([c?.eventTime?.watermark, c?.lateRecords, c?.droppedDuplicates]);
  }
  return { outputs, late, batches };
}

const hasStatus = (status: string) => (a: { operations?: readonly TableOperation[] }) => a.operations?.some((o) => o.kind !== 'delete' && o.entity['status'] === status) ?? false;
const named = (part: string) => (a: { name?: string }) => a.name?.includes(part) ?? false;

const points: CrashPoint[] = [
  { name: 'watermark state', store: 'state', op: 'put', match: named('/watermark'), nth: 3 },
  { name: 'window state', store: 'state', op: 'put', match: named('/eventTimeWindow'), nth: 5 },
  { name: 'dedup state', store: 'state', op: 'put', match: named('/dropDuplicates'), nth: 6 },
  { name: 'append output', store: 'output', op: 'put', match: named('append-'), nth: 4 },
  { name: 'update output', store: 'output', op: 'put', match: named('update-'), nth: 2 },
  { name: 'late records dead-lettered', store: 'deadLetters', op: 'put', nth: 1 },
  { name: 'task partial', store: 'partials', op: 'put', nth: 7 },
  { name: 'completion', store: 'wal', op: 'transact', match: hasStatus('completed'), nth: 5 },
];

forEachBackend('event time: crash during the commit, restart from storage', (backend) => {
  let reference: Record<string, unknown> | undefined;

  test('the uninterrupted run: windows closed, copies dropped, late readings dead-lettered', async () => {
    const storage = backend().storage();
    assert.equal(await runWorld(storage, undefined), 0);
    reference = await snapshot(storage);
    const outputs = reference['outputs'] as Record<string, string>;
    assert.ok(Object.keys(outputs).some((n) => n.startsWith('append-') && outputs[n]!.includes('"start"')), 'some window closed in append mode');
    assert.ok((reference['late'] as string[]).length >= PARTITIONS, 'late readings are in the dead-letter container');
    assert.ok((reference['late'] as string[]).every((l) => l.split('|')[1] === 'late'));
    assert.ok((reference['batches'] as number[][]).some((b) => (b[2] ?? 0) > 0), 'copies were dropped');
  });

  for (const point of points) {
    test(`crash after ${point.name} #${point.nth}: outputs equal the uninterrupted run`, async () => {
      assert.ok(reference, 'the uninterrupted run ran first');
      const storage = backend().storage();
      assert.equal(await runWorld(storage, point), 1, 'the crash point was reached');
      assert.deepEqual(await snapshot(storage), reference);
    });
  }
});
