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

const PARTITIONS = 4;
const PER_PARTITION = 36;
const PER_CALL = 9;
const INTERVAL = 1000;

/** A deterministic workload: users u0..u4, and every 17th event malformed on purpose. */
function hubEvents(partition: number): ReceivedEvent[] {
  return Array.from({ length: PER_PARTITION }, (_, seq) => {
    const n = partition * 1000 + seq;
    return { body: n % 17 === 0 ? `not json ${n}` : JSON.stringify({ user: `u${n % 5}`, n }), sequenceNumber: seq, offset: String(seq * 64), enqueuedTime: 0 };
  });
}

function expected(): { perUser: Map<string, number>; valid: number; malformed: string[] } {
  const perUser = new Map<string, number>();
  const malformed: string[] = [];
  let valid = 0;
  for (let p = 0; p < PARTITIONS; p++) {
    for (const e of hubEvents(p)) {
      if (String(e.body).startsWith('not json')) malformed.push(`${p}:${e.sequenceNumber}`);
      else {
        const user = (JSON.parse(String(e.body)) as { user: string }).user;
        perUser.set(user, (perUser.get(user) ?? 0) + 1);
        valid++;
      }
    }
  }
  return { perUser, valid, malformed: malformed.sort() };
}

function pipeline(): StreamingContext {
  const ssc = new StreamingContext({ batchInterval: INTERVAL });
  const views = ssc.eventHubStream<{ user: string }>();
  const counts = views.map((v) => [v.user, 1] as [string, number]).reduceByKey((a, b) => a + b);
  counts.saveAsTextFiles('counts');
  counts.transform((batch, time) => batch.map(([user, n]) => [`${time}|${user}`, n] as [string, number])).saveToTable('perbatch');
  views.count().saveAsTextFiles('total');
  return ssc;
}

/**
 * One process of the stack: receivers for every partition and the driver, all over crash-wrapped
 * stores. The Event Hubs extension's own checkpoint (ehCheckpoint) lives outside the process and
 * advances only when a receiver call returns, as the real extension does after an invocation.
 */
function startProcess(storage: StreamStorage, clock: ManualClock, crash: CrashSwitch) {
  const wrapped = crash.wrap(storage);
  const ssc = pipeline();
  const engine = new StreamEngine({ stream: 'views', batchIntervalMs: INTERVAL, maxTasksPerBatch: 3, blockRetentionMs: 1e12, walRetentionMs: 1e12, storage: wrapped, graph: ssc.graph, clock, log: silentLogger });
  const blocks = new BlockStore(wrapped.blocks, 'views');
  const checkpoints = new CheckpointStore(wrapped.wal, 'views');
  const receivers = Array.from({ length: PARTITIONS }, (_, p) =>
    new ReliableReceiver(blocks, checkpoints, { source: 'events', partition: String(p), blockIntervalMs: 200, maxBlockBytes: 300, owner: `proc` }, clock, silentLogger));
  return { engine, receivers };
}

async function runWorld(storage: StreamStorage, point: CrashPoint | undefined): Promise<{ crashes: number }> {
  const clock = new ManualClock(0);
  const hub = Array.from({ length: PARTITIONS }, (_, p) => hubEvents(p));
  const ehCheckpoint = hub.map(() => 0);
  let crash = new CrashSwitch(point);
  let proc = startProcess(storage, clock, crash);
  let crashes = 0;
  const restart = () => {
    crashes++;
    crash = new CrashSwitch(undefined); // one crash per scenario; the restarted process runs clean
    proc = startProcess(storage, clock, crash);
  };
  const attempt = async (step: () => Promise<unknown>): Promise<boolean> => {
    try {
      await step();
      return true;
    } catch (err) {
      if (!(err instanceof CrashError)) throw err;
      restart();
      return false;
    }
  };
  // Like Durable history: task activities that returned are not run again after a restart.
  const completedTasks = new Map<number, Set<number>>();
  const driveBatch = async (time: number) => {
    const allocation = await proc.engine.allocateBatch(time);
    const done = completedTasks.get(time) ?? new Set<number>();
    completedTasks.set(time, done);
    for (const plan of proc.engine.planTasks(allocation)) {
      if (done.has(plan.task)) continue;
      await proc.engine.runTask(time, plan.task);
      done.add(plan.task);
    }
    await proc.engine.commitBatch(time);
  };
  await attempt(() => proc.engine.zeroTime());
  for (let round = 0; ; round++) {
    for (let p = 0; p < PARTITIONS; p++) {
      const slice = hub[p]!.slice(ehCheckpoint[p], ehCheckpoint[p]! + PER_CALL).map((e) => ({ ...e, enqueuedTime: clock.now() + e.sequenceNumber }));
      if (slice.length && (await attempt(() => proc.receivers[p]!.receive(slice)))) ehCheckpoint[p]! += slice.length;
    }
    clock.advance(INTERVAL);
    for (let guard = 0; guard < 10; guard++) {
      const next = await proc.engine.nextBatchTime().catch(() => Infinity);
      if (next > clock.now()) break;
      // After a driver crash, receivers run on before the driver restarts.
      if (!(await attempt(() => driveBatch(next)))) break;
    }
    const drained = ehCheckpoint.every((c, p) => c === hub[p]!.length);
    if (drained && round > PER_PARTITION / PER_CALL + 2) break;
    if (round > 40) assert.fail('the world did not drain');
  }
  return { crashes };
}

async function verify(storage: StreamStorage): Promise<void> {
  const want = expected();
  const perUser = new Map<string, number>();
  let total = 0;
  for (const name of await storage.output.list('counts-')) {
    for (const line of Buffer.from((await storage.output.get(name))!).toString().split('\n').filter(Boolean)) {
      const { key, value } = JSON.parse(line) as { key: string; value: number };
      perUser.set(key, (perUser.get(key) ?? 0) + value);
    }
  }
  for (const name of await storage.output.list('total-')) total += Number(Buffer.from((await storage.output.get(name))!).toString().trim());
  assert.deepEqual(new Map([...perUser].sort()), new Map([...want.perUser].sort()), 'Blob sink per-user totals equal what was sent');
  assert.equal(total, want.valid, 'count() over all batches equals the valid events sent');
  const tablePerUser = new Map<string, number>();
  for (const row of await storage.outputTable.range('perbatch')) {
    const user = String(row.entity['key']).split('|')[1]!;
    tablePerUser.set(user, (tablePerUser.get(user) ?? 0) + Number(row.entity['value']));
  }
  assert.deepEqual(new Map([...tablePerUser].sort()), new Map([...want.perUser].sort()), 'Table sink per-batch rows add up to what was sent');
  const dead = (await readDeadLetters(storage.deadLetters, 'views/')).map((d) => `${d.partition}:${d.sequenceNumber}`).sort();
  assert.deepEqual(dead, want.malformed, 'exactly the malformed events are dead-lettered, once each');
}

const isReceiverCommit = (a: { operations?: readonly TableOperation[] }) => a.operations?.some((o) => o.kind !== 'delete' && o.entity.rowKey === 'checkpoint') ?? false;
const hasStatus = (status: string) => (a: { operations?: readonly TableOperation[] }) => a.operations?.some((o) => o.kind !== 'delete' && o.entity['status'] === status) ?? false;

const points: CrashPoint[] = [
  { name: 'block blob written', store: 'blocks', op: 'create', nth: 1 },
  { name: 'block blob written', store: 'blocks', op: 'create', nth: 23 },
  { name: 'WAL and checkpoint transaction', store: 'wal', op: 'transact', match: isReceiverCommit, nth: 2 },
  { name: 'WAL and checkpoint transaction', store: 'wal', op: 'transact', match: isReceiverCommit, nth: 11 },
  { name: 'allocation', store: 'wal', op: 'transact', match: hasStatus('allocated'), nth: 2 },
  { name: 'task partial', store: 'partials', op: 'put', nth: 1 },
  { name: 'task partial', store: 'partials', op: 'put', nth: 5 },
  { name: 'Blob sink write', store: 'output', op: 'put', match: (a) => a.name?.startsWith('counts-') ?? false, nth: 3 },
  { name: 'Blob sink write', store: 'output', op: 'put', match: (a) => a.name?.startsWith('total-') ?? false, nth: 2 },
  { name: 'Table sink write', store: 'outputTable', op: 'transact', nth: 2 },
  { name: 'dead letters write', store: 'deadLetters', op: 'put', nth: 1 },
  { name: 'completion', store: 'wal', op: 'transact', match: hasStatus('completed'), nth: 3 },
];

forEachBackend('crash at every step boundary, restart from storage', (backend) => {
  test('without a crash the outputs match the workload', async () => {
    const storage = backend().storage();
    assert.equal((await runWorld(storage, undefined)).crashes, 0);
    await verify(storage);
  });

  for (const point of points) {
    test(`crash after ${point.name} #${point.nth}: zero events lost, zero duplicates`, async () => {
      const storage = backend().storage();
      const { crashes } = await runWorld(storage, point);
      assert.equal(crashes, 1, 'the crash point was reached');
      await verify(storage);
    });
  }
});
