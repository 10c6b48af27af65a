import { StreamingContext } from '#sluice/dstream/streaming-context.js';
import type { StreamStorage } from '#sluice/ports/stream-storage.js';
import { BlockStore } from '#sluice/receiver/block-store.js';
import type { ReceivedEvent } from '#sluice/receiver/received-event.js';
import { ReliableReceiver } from '#sluice/receiver/reliable-receiver.js';
import { StreamEngine } from '#sluice/scheduler/stream-engine.js';
import type { DriverState, StreamHandle } from '#sluice/status/status-ports.js';
import { ManualClock } from '#sluice/util/clock.js';
import { silentLogger } from '#sluice/util/log.js';
import { CheckpointStore } from '#sluice/wal/checkpoint-store.js';

export const STREAM = 'orders';
export const BATCH_MS = 2000;
export const BLOCK_MS = 500;
export const START = Date.UTC(2025, 4, 12, 9, 30, 0);
export const PARTITIONS = ['0', '1'] as const;
export const MALFORMED_BODY = '{"region": "eu", "amount": 12.5'; // truncated JSON: the decode throws

interface Order {
  region: string;
  amount: number;
}

export interface ExpectedBatch {
  time: number;
  status: 'completed' | 'failed' | 'allocated';
  records: number;
  /** Per partition: sequence numbers first..last given to this batch (none when nothing new). */
  ranges: Record<string, { first: number; last: number } | null>;
  deadLettered: number;
}

/** What the fixture wrote, computed independently of the status queries under test. */
export interface Expected {
  zeroTime: number;
  batches: ExpectedBatch[];
  events: Record<string, number>;
  lastSeq: Record<string, number>;
  redeliveries: Record<string, number>;
  deadLetter: { batchTime: number; partition: string; sequenceNumber: number };
  /** Records of completed batches. */
  processed: number;
}

export interface ProducedStream {
  handle: StreamHandle;
  clock: ManualClock;
  expected: Expected;
  setDriver(state: DriverState): void;
  /** Completes the active batch and allocates a new one. */
  advance(): Promise<void>;
}

/**
 * A real stream on the given storage: ReliableReceivers on two partitions write blocks and
 * checkpoints, the StreamEngine allocates, runs tasks and commits, on a ManualClock. Batches take
 * varied time (a slow decode and a slow sink move the clock), two run over the batch interval,
 * one malformed event is dead-lettered, one batch fails and is skipped, one redelivery is
 * skipped, and the newest batch is left allocated (active).
 */
export async function produceStream(storage: StreamStorage, options: { completed?: number } = {}): Promise<ProducedStream> {
  const completedCount = options.completed ?? 14;
  const clock = new ManualClock(START);
  const slowSink = new Map<number, number>();
  const ssc = new StreamingContext({ batchInterval: BATCH_MS });
  const orders = ssc.eventHubStream<Order>({
    decode: (e) => {
      clock.advance(3); // decoding takes a little time, so tasks have durations
      return JSON.parse(typeof e.body === 'string' ? e.body : Buffer.from(e.body).toString('utf8')) as Order;
    },
  });
  orders.map((o): [string, number] => [o.region, o.amount]).reduceByKey((a, b) => a + b).saveAsTextFiles('orders/revenue');
  orders.foreachBatch((_records, time) => clock.advance(slowSink.get(time) ?? 0));
  const engine = new StreamEngine({
    stream: STREAM, batchIntervalMs: BATCH_MS, maxTasksPerBatch: 2, blockRetentionMs: 1e12, walRetentionMs: 1e12,
    storage, graph: ssc.graph, clock, log: silentLogger,
  });
  const blocks = new BlockStore(storage.blocks, STREAM);
  const checkpoints = new CheckpointStore(storage.wal, STREAM);
  const receivers = PARTITIONS.map((partition) => new ReliableReceiver(blocks, checkpoints, { source: 'events', partition, blockIntervalMs: BLOCK_MS, maxBlockBytes: 1 << 20, owner: `receiver-${partition === '0' ? 'a' : 'b'}` }, clock, silentLogger));
  const zeroTime = await engine.zeroTime();

  const expected: Expected = {
    zeroTime, batches: [], events: { 0: 0, 1: 0 }, lastSeq: { 0: -1, 1: -1 }, redeliveries: { 0: 0, 1: 0 },
    deadLetter: { batchTime: 0, partition: '1', sequenceNumber: -1 }, processed: 0,
  };
  const next: Record<string, number> = { 0: 0, 1: 0 };
  const regions = ['eu', 'us', 'apac'];

  async function receiveFor(k: number, malformed: boolean): Promise<Record<string, { first: number; last: number } | null>> {
    const ranges: Record<string, { first: number; last: number } | null> = {};
    for (const [i, partition] of PARTITIONS.entries()) {
      const count = i === 0 ? 18 + ((k * 7) % 13) : 6 + ((k * 5) % 9);
      const events: ReceivedEvent[] = Array.from({ length: count }, (_, j) => ({
        body: JSON.stringify({ region: regions[(k + j) % 3], amount: 5 + ((k * 31 + j * 17) % 90) }),
        sequenceNumber: next[partition]! + j, offset: String((next[partition]! + j) * 128), enqueuedTime: clock.now() + j * 20,
      }));
      if (malformed && partition === '1') {
        events[2] = { ...events[2]!, body: MALFORMED_BODY };
        expected.deadLetter.sequenceNumber = events[2].sequenceNumber;
      }
      await receivers[i]!.receive(events);
      ranges[partition] = { first: next[partition]!, last: next[partition]! + count - 1 };
      next[partition]! += count;
      expected.events[partition]! += count;
      expected.lastSeq[partition] = next[partition]! - 1;
    }
    return ranges;
  }

  const processing = [420, 380, 610, 2600, 540, 450, 700, 2300, 480, 520, 390, 650, 410, 560, 470, 430];
  let k = 0;
  for (let n = 0; n < completedCount + 1; n++) {
    k++;
    const time = zeroTime + k * BATCH_MS;
    clock.set(Math.max(clock.now(), time - BATCH_MS + 40));
    const malformed = n === 4;
    const ranges = await receiveFor(k, malformed);
    if (n === 2) {
      // The hub redelivers the previous call's last three events of partition 0: skipped by the checkpoint.
      const last = next['0']! - 1;
      await receivers[0]!.receive([last - 2, last - 1, last].map((s) => ({ body: '{"region":"eu","amount":1}', sequenceNumber: s, offset: String(s * 128), enqueuedTime: clock.now() })));
      expected.redeliveries['0']! += 3;
    }
    const records = Object.values(ranges).reduce((sum, r) => sum + (r ? r.last - r.first + 1 : 0), 0);
    clock.set(Math.max(clock.now(), time + 15 + ((k * 13) % 40)));
    if (n === 9) {
      await engine.allocateBatch(time);
      clock.advance(120);
      await engine.failBatch(time, 'RestError: The output container is unavailable (503 ServerBusy)', true);
      expected.batches.push({ time, status: 'failed', records, ranges, deadLettered: 0 });
      continue;
    }
    slowSink.set(time, processing[n % processing.length]!);
    await engine.runBatch(time);
    if (malformed) expected.deadLetter.batchTime = time;
    expected.batches.push({ time, status: 'completed', records, ranges, deadLettered: malformed ? 1 : 0 });
    expected.processed += records;
  }
  // The newest batch: received and allocated, not yet run.
  async function allocateNext(): Promise<void> {
    k++;
    const activeTime = zeroTime + k * BATCH_MS;
    clock.set(Math.max(clock.now(), activeTime - BATCH_MS + 40));
    const ranges = await receiveFor(k, false);
    clock.set(Math.max(clock.now(), activeTime + 10));
    await engine.allocateBatch(activeTime);
    expected.batches.push({ time: activeTime, status: 'allocated', records: Object.values(ranges).reduce((s, r) => s + (r ? r.last - r.first + 1 : 0), 0), ranges, deadLettered: 0 });
    clock.advance(250);
  }
  await allocateNext();

  /** Completes the active batch and allocates the next, as the running driver would. */
  async function advance(): Promise<void> {
    const active = expected.batches.at(-1)!;
    slowSink.set(active.time, 500);
    await engine.runBatch(active.time);
    expected.batches[expected.batches.length - 1] = { ...active, status: 'completed' };
    expected.processed += active.records;
    await allocateNext();
  }

  let driver: DriverState = { state: 'running', since: START - 3_600_000 };
  const handle: StreamHandle = {
    name: STREAM,
    config: { streamName: STREAM, batchIntervalMs: BATCH_MS, blockIntervalMs: BLOCK_MS, receiverMode: 'reliable' },
    storage,
    driver: async () => driver,
    // Partition 0's hub is 7 events ahead of the receiver; partition 1's properties are unreachable.
    lastEnqueued: async (partition) => (partition === '0' ? expected.lastSeq['0']! + 7 : undefined),
  };
  return { handle, clock, expected, setDriver: (s) => { driver = s; }, advance };
}
